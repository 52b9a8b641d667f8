import { ProviderFailure } from '../../domain/provider-failure.js';

/** HTTP statuses worth another try: the provider said "later", or a gateway failed. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Only lookups (idempotent GETs) go through the policy, so the rule is about
 * the failure: a connection error (no HTTP status at all) or one of the statuses
 * above, and never when the provider asks us to wait longer than `retryAfterCapMs`.
 */
export function shouldRetry(error: unknown, retryAfterCapMs: number): boolean {
  if (!(error instanceof ProviderFailure)) return false;
  if (error.retryAfterMs !== undefined && error.retryAfterMs > retryAfterCapMs) return false;
  if (error.httpStatus === undefined) return error.code === 'UNAVAILABLE';
  return RETRY_STATUSES.has(error.httpStatus);
}

/**
 * What a failed call says about the provider, for its breaker:
 * - `fault`: the provider is unwell (5xx, 429, unreachable, its attempt timeout passed); counts;
 * - `answered`: it answered, the trouble is ours or the caller's (a bad id, bad credentials, a
 *   malformed body); proof it is up, counts nothing;
 * - `unknown`: our own limit ended the call before the provider showed either (our deadline
 *   passed, in our queue or mid-attempt; our queue was full); says nothing about it. A deadline
 *   that cut short the retry of a fault is that fault (its `cause`).
 */
export type Verdict = 'fault' | 'answered' | 'unknown';

export function judgeFailure(error: unknown): Verdict {
  if (!(error instanceof ProviderFailure)) return 'answered';
  if (error.local) return error.cause instanceof ProviderFailure && judgeFailure(error.cause) === 'fault' ? 'fault' : 'unknown';
  return error.retryable ? 'fault' : 'answered';
}

/** Failures that say the provider is unwell (not "your id is bad", not "our deadline passed"): they count towards opening the circuit. */
export function countsAgainstProvider(error: unknown): boolean {
  return judgeFailure(error) === 'fault';
}
