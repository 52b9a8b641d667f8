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

/** Failures that say the provider is unwell (not "your id is bad"): they count towards opening the circuit. */
export function countsAgainstProvider(error: unknown): boolean {
  return error instanceof ProviderFailure && error.retryable;
}
