import { deadlineTimeout, ProviderFailure } from '../../domain/provider-failure.js';
import { UpstreamCall, type CancelReason } from '../../providers/http.js';
import type { ResilienceSettings } from '../settings.js';
import { backoffDelay } from './backoff.js';
import { CircuitBreaker, type CircuitState } from './breaker.js';
import { Bulkhead } from './bulkhead.js';
import { countsAgainstProvider, shouldRetry } from './retry-rules.js';

/** One provider's guard around every upstream call: bulkhead → breaker → retry → attempt timeout, all within one deadline. */
export interface ProviderPolicy {
  /**
   * Runs `attempt` until it answers, fails for good, or `deadline` (epoch ms) passes. Each
   * attempt gets an UpstreamCall that is cancelled at the attempt timeout or the deadline,
   * whichever comes first. Rejects with ProviderFailure only.
   */
  call<T>(attempt: (call: UpstreamCall) => Promise<T>, deadline: number, trace?: unknown): Promise<T>;
  readonly circuitState: CircuitState;
  /** Calls waiting for a bulkhead slot now. */
  readonly queueLength: number;
}

/**
 * Written here rather than composed from a policy library: on the lookup path every layer's
 * own signal, listener and promise was paid per id (see bench/RESULTS.md). Per call in the
 * happy path this costs one UpstreamCall, one timer and the breaker's bookkeeping.
 */
export function createProviderPolicy(provider: string, settings: ResilienceSettings): ProviderPolicy {
  const bulkhead = new Bulkhead(provider, settings.bulkheadConcurrency, settings.bulkheadQueue);
  const breaker = new CircuitBreaker(provider, settings.breakerThreshold, settings.breakerHalfOpenMs);

  async function attempts<T>(attempt: (call: UpstreamCall) => Promise<T>, deadline: number, trace: unknown): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      const left = deadline - Date.now();
      // A backoff that ended at the deadline must not start another upstream call.
      if (left <= 0) throw deadlineTimeout(provider);
      const upstream = new UpstreamCall(trace);
      const reason: CancelReason = settings.attemptTimeoutMs < left ? 'timeout' : 'deadline';
      const timer = setTimeout(() => upstream.cancel(reason), Math.min(settings.attemptTimeoutMs, left));
      let failure: ProviderFailure;
      try {
        return await attempt(upstream);
      } catch (error) {
        failure = toProviderFailure(provider, error);
      } finally {
        clearTimeout(timer);
      }
      // A wait the deadline cannot hold is no retry: the caller gets the provider's answer now.
      const retryAfter = failure.retryAfterMs ?? 0;
      if (retry >= settings.retryMax || !shouldRetry(failure, settings.retryAfterCapMs) || retryAfter >= deadline - Date.now()) throw failure;
      const delay = backoffDelay(retry + 1, failure, deadline, { baseMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxDelayMs });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  return {
    get circuitState() {
      return breaker.state;
    },
    get queueLength() {
      return bulkhead.queueLength;
    },
    async call(attempt, deadline, trace) {
      let queueTimer: NodeJS.Timeout | undefined;
      const queued = bulkhead.acquire((withdraw) => {
        queueTimer = setTimeout(() => withdraw(deadlineTimeout(provider)), Math.max(0, deadline - Date.now()));
      });
      if (queued) {
        try {
          await queued;
        } finally {
          clearTimeout(queueTimer);
        }
      }
      try {
        return await breaker.run(() => attempts(attempt, deadline, trace), countsAgainstProvider);
      } finally {
        bulkhead.release();
      }
    },
  };
}

function toProviderFailure(provider: string, error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  // A bug of ours must not fail the neighbours: it becomes this item's typed error, without its message.
  return new ProviderFailure({ provider, code: 'BAD_RESPONSE', message: `${provider} lookup failed unexpectedly`, cause: error });
}
