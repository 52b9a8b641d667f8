import { ProviderFailure } from '../../domain/provider-failure.js';

export interface BackoffOptions {
  baseMs: number;
  maxDelayMs: number;
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (1 = the first retry): exponential with jitter
 * between half and all of the step, stretched to honour a provider's Retry-After (the retry
 * rule already refused values over the cap), clipped so it never runs past `deadline`.
 */
export function backoffDelay(attempt: number, error: unknown, deadline: number, options: BackoffOptions, now = Date.now()): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.baseMs * 2 ** (attempt - 1));
  const jittered = Math.round(ceiling * (0.5 + random() / 2));
  const retryAfter = error instanceof ProviderFailure ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(0, Math.min(Math.max(jittered, retryAfter), deadline - now));
}
