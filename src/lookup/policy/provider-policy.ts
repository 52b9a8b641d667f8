import { deadlineTimeout, ProviderFailure } from '../../domain/provider-failure.js';
import { UpstreamCall, type CancelReason } from '../../providers/http.js';
import type { AdaptiveLimitSettings, ResilienceSettings } from '../settings.js';
import { AdaptiveLimit } from './adaptive-limit.js';
import { backoffDelay } from './backoff.js';
import { CircuitBreaker, type CircuitState } from './breaker.js';
import { Bulkhead, INTERACTIVE, POLL, type Lane } from './bulkhead.js';
import { pollWithdrawn, type PollTicket } from './poll-ticket.js';
import { ProviderHealth, type HealthLogger } from './health-log.js';
import { judgeFailure, shouldRetry, type Verdict } from './retry-rules.js';

/** One provider's guard around every upstream call: bulkhead → breaker → retry → attempt timeout, all within one deadline. */
export interface ProviderPolicy {
  /**
   * Runs `attempt`, a call about message `id`, until it answers, fails for good, or `deadline`
   * (epoch ms) passes. Each attempt gets an UpstreamCall that is cancelled at the attempt
   * timeout or the deadline, whichever comes first. Rejects with ProviderFailure only. With a `poll` ticket the call
   * takes the poll lane, waits there as long as it takes, and its deadline counts from the
   * slot (`deadline` - now is its budget): a poll is deferred, never failed, by a busy lane.
   * The breaker counts a run of faults once per `id` (breaker.ts says why).
   */
  call<T>(id: string, attempt: (call: UpstreamCall) => Promise<T>, deadline: number, trace?: unknown, poll?: PollTicket): Promise<T>;
  readonly circuitState: CircuitState;
  /** Calls waiting for a bulkhead slot of `lane` now. */
  queueLength(lane: Lane): number;
  /** Bulkhead slots of `lane` held now. */
  activeCount(lane: Lane): number;
  /** Bulkhead slots of `lane` now (moved by the adaptive limit, when there is one). */
  limit(lane: Lane): number;
}

/**
 * The poll lane follows the interactive limit down: `pollConcurrency` slots while the limit is
 * at its start or above, the same share of it below (at least one). Polls back off with a
 * struggling provider; they do not grow with a fast one (their timers pace them, not the slots).
 */
export function pollLimit(interactiveLimit: number, initialLimit: number, pollConcurrency: number): number {
  return Math.max(1, Math.min(pollConcurrency, Math.ceil((pollConcurrency * interactiveLimit) / initialLimit)));
}

/**
 * Written here rather than composed from a policy library: on the lookup path every layer's
 * own signal, listener and promise was paid per id (see bench/RESULTS.md). Per call in the
 * happy path this costs one UpstreamCall, one timer and the breaker's bookkeeping.
 */
export function createProviderPolicy(provider: string, settings: ResilienceSettings, log?: HealthLogger, adaptive?: AdaptiveLimitSettings): ProviderPolicy {
  // Without `adaptive`, fixed lanes: bulkheadConcurrency and pollConcurrency slots.
  const limiter = adaptive ? new AdaptiveLimit({ initial: settings.bulkheadConcurrency, min: adaptive.min, max: adaptive.max }) : undefined;
  const startLimit = limiter?.limit ?? settings.bulkheadConcurrency;
  const bulkhead = new Bulkhead(provider, startLimit, settings.bulkheadQueue, settings.pollConcurrency);

  /** One attempt's verdict for the limiter; our own deadline or queue says nothing of the provider's load. */
  function learn(startedAt: number, verdict: Verdict, inFlight: number): void {
    if (!limiter || verdict === 'unknown') return;
    if (limiter.sample(Date.now() - startedAt, verdict === 'fault' ? 'overload' : 'answered', inFlight)) {
      bulkhead.setLimit(INTERACTIVE, limiter.limit);
      bulkhead.setLimit(POLL, pollLimit(limiter.limit, startLimit, settings.pollConcurrency));
    }
  }
  // Outages are logged per transition (health-log.ts), never per request.
  const health = new ProviderHealth(provider, log, settings.breakerHalfOpenMs);
  const breaker = new CircuitBreaker(provider, settings.breakerThreshold, settings.breakerHalfOpenMs, Date.now, (state, failures) => health.breaker(state, failures));

  async function attempts<T>(attempt: (call: UpstreamCall) => Promise<T>, deadline: number, trace: unknown): Promise<T> {
    // The last failure of the provider's own making, for the breaker: a retry of it that our
    // deadline cuts short is still that failure, not "only our deadline".
    let fault: ProviderFailure | undefined;
    for (let retry = 0; ; retry += 1) {
      const left = deadline - Date.now();
      // A backoff that ended at the deadline must not start another upstream call.
      if (left <= 0) throw deadlineTimeout(provider, fault);
      const upstream = new UpstreamCall(trace);
      const reason: CancelReason = settings.attemptTimeoutMs < left ? 'timeout' : 'deadline';
      const timer = setTimeout(() => upstream.cancel(reason), Math.min(settings.attemptTimeoutMs, left));
      let failure: ProviderFailure;
      // Calls in flight as this one starts (its own included): whether the limit is in use.
      const inFlight = bulkhead.activeCount(INTERACTIVE) + bulkhead.activeCount(POLL);
      const startedAt = Date.now();
      try {
        const value = await attempt(upstream);
        health.attempt(undefined);
        learn(startedAt, 'answered', inFlight);
        return value;
      } catch (error) {
        failure = toProviderFailure(provider, error);
        const verdict = judgeFailure(failure);
        health.attempt(failure, verdict);
        learn(startedAt, verdict, inFlight);
      } finally {
        clearTimeout(timer);
      }
      if (failure.local && fault) failure = deadlineTimeout(provider, fault);
      else if (!failure.local) fault = failure;
      // A wait the deadline cannot hold is no retry: the caller gets the provider's answer now.
      const retryAfter = failure.retryAfterMs ?? 0;
      if (retry >= settings.retryMax || !shouldRetry(failure, settings.retryAfterCapMs) || retryAfter >= deadline - Date.now()) throw failure;
      const delay = backoffDelay(retry + 1, failure, deadline, { baseMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxDelayMs });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async function pollCall<T>(id: string, attempt: (call: UpstreamCall) => Promise<T>, deadline: number, trace: unknown, ticket: PollTicket): Promise<T> {
    if (ticket.withdrawn) throw pollWithdrawn(provider);
    const budget = deadline - Date.now();
    let lane: Lane = ticket.lane;
    // No withdrawal timer: a poll waits its turn. Its queue is bounded by the watchers (one poll
    // each); an interactive lookup that joins it promotes it (PollTicket.promote), and its
    // watcher withdraws it when it is no longer needed.
    const queued = bulkhead.acquire(lane, (place) => (ticket.queued = place), ticket.owner);
    if (queued) {
      try {
        lane = await queued;
      } finally {
        ticket.queued = undefined;
      }
      deadline = Date.now() + budget;
    }
    ticket.started = true;
    try {
      return await breaker.run(id, () => attempts(attempt, deadline, trace), judgeFailure);
    } finally {
      bulkhead.release(lane);
    }
  }

  return {
    get circuitState() {
      return breaker.state;
    },
    queueLength: (lane) => bulkhead.queueLength(lane),
    activeCount: (lane) => bulkhead.activeCount(lane),
    limit: (lane) => bulkhead.limit(lane),
    async call(id, attempt, deadline, trace, poll) {
      if (poll) return pollCall(id, attempt, deadline, trace, poll);
      let queueTimer: NodeJS.Timeout | undefined;
      const queued = bulkhead.acquire(INTERACTIVE, (place) => {
        // Withdrawn at our deadline: a failure of ours (`local`), which the breaker does not count.
        queueTimer = setTimeout(() => place.withdraw(deadlineTimeout(provider)), Math.max(0, deadline - Date.now()));
      });
      if (queued) {
        try {
          await queued;
        } finally {
          clearTimeout(queueTimer);
        }
      }
      try {
        return await breaker.run(id, () => attempts(attempt, deadline, trace), judgeFailure);
      } finally {
        bulkhead.release(INTERACTIVE);
      }
    },
  };
}

function toProviderFailure(provider: string, error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  // A bug of ours must not fail the neighbours: it becomes this item's typed error, without its message.
  return new ProviderFailure({ provider, code: 'BAD_RESPONSE', message: `${provider} lookup failed unexpectedly`, cause: error });
}
