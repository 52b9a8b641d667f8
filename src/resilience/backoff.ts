import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { ProviderFailure } from '../domain/provider-failure.js';

export interface BackoffOptions {
  baseMs: number;
  maxDelayMs: number;
  /** When the whole call must be over (epoch ms): no delay runs past it. */
  deadline: number;
  random?: () => number;
}

/**
 * Exponential backoff with full jitter, stretched to honour a provider's
 * Retry-After (the retry predicate already refused values over the cap) and
 * clipped to the deadline, so a retry never waits past it.
 */
export function deadlineBackoff(options: BackoffOptions): IBackoffFactory<IRetryBackoffContext<unknown>> {
  const random = options.random ?? Math.random;
  const make = (attempt: number, context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> => {
    const ceiling = Math.min(options.maxDelayMs, options.baseMs * 2 ** (attempt - 1));
    const jittered = Math.round(ceiling * (0.5 + random() / 2));
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfter = error instanceof ProviderFailure ? (error.retryAfterMs ?? 0) : 0;
    const duration = Math.max(0, Math.min(Math.max(jittered, retryAfter), options.deadline - Date.now()));
    return { duration, next: (ctx) => make(attempt + 1, ctx) };
  };
  return { next: (context) => make(context.attempt, context) };
}
