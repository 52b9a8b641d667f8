import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  CircuitState,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ProviderFailure } from '../domain/provider-failure.js';
import { deadlineBackoff } from './backoff.js';
import { countsAgainstProvider, shouldRetry } from './retry-rules.js';
import type { ResilienceSettings } from './settings.js';

/** One provider's guard around every upstream call: bulkhead → breaker → retry → timeout. */
export interface ProviderPolicy {
  /**
   * Runs `attempt` under the policy. `signal` aborts at the call's deadline;
   * every attempt receives a signal that also aborts at the attempt timeout.
   * Rejects with ProviderFailure only.
   */
  execute<T>(attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, deadline: number): Promise<T>;
  /** Closed, Open, HalfOpen or Isolated. */
  readonly circuitState: string;
  /** Calls waiting for a bulkhead slot now. */
  readonly queueLength: number;
}

export function createProviderPolicy(provider: string, settings: ResilienceSettings): ProviderPolicy {
  const bulk = bulkhead(settings.bulkheadConcurrency, settings.bulkheadQueue);
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(countsAgainstProvider), {
    halfOpenAfter: settings.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(settings.breakerThreshold),
  });
  // abortOnReturn off: an attempt returns only once its body is read or destroyed (providers/http.ts),
  // so aborting its signal afterwards cancels nothing, yet cost a DOMException and abort listeners
  // per upstream call (about a fifth of the service's CPU per lookup in `npm run bench`).
  const attemptTimeout = timeout(settings.attemptTimeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });

  return {
    get circuitState() {
      return CircuitState[breaker.state];
    },
    get queueLength() {
      return settings.bulkheadQueue - bulk.queueSlots;
    },
    async execute(attempt, signal, deadline) {
      // Retry is rebuilt per call because its backoff is clipped to this call's deadline.
      const retries = retry(
        // A wait the deadline cannot hold is no retry: the caller gets the provider's answer now.
        handleWhen((error) => shouldRetry(error, settings.retryAfterCapMs) && retryAfterOf(error) < deadline - Date.now()),
        {
          maxAttempts: settings.retryMax,
          backoff: deadlineBackoff({ baseMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxDelayMs, deadline }),
        },
      );
      try {
        return await wrap(bulk, breaker, retries, attemptTimeout).execute(({ signal: attemptSignal }) => {
          // A backoff that ended at the deadline must not start another upstream call.
          if (signal.aborted || Date.now() >= deadline) throw deadlineFailure(provider);
          return attempt(attemptSignal);
        }, signal);
      } catch (error) {
        throw toProviderFailure(provider, error);
      }
    },
  };
}

function retryAfterOf(error: unknown): number {
  return error instanceof ProviderFailure ? (error.retryAfterMs ?? 0) : 0;
}

function deadlineFailure(provider: string): ProviderFailure {
  return new ProviderFailure({ provider, code: 'TIMEOUT', message: `${provider} did not answer before the request deadline` });
}

function toProviderFailure(provider: string, error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  if (error instanceof BrokenCircuitError) {
    return new ProviderFailure({
      provider,
      code: 'UNAVAILABLE',
      message: `${provider} is failing; calls are paused for a moment (circuit open)`,
      cause: error,
    });
  }
  if (error instanceof BulkheadRejectedError) {
    return new ProviderFailure({ provider, code: 'UNAVAILABLE', message: `${provider} has too many lookups waiting; try again shortly`, cause: error });
  }
  // A bug of ours must not fail the neighbours: it becomes this item's typed error, without its message.
  return new ProviderFailure({ provider, code: 'BAD_RESPONSE', message: `${provider} lookup failed unexpectedly`, cause: error });
}
