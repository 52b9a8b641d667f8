import type { IRetryBackoffContext } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { ProviderFailure } from '../../src/domain/provider-failure.js';
import { deadlineBackoff } from '../../src/resilience/backoff.js';
import { countsAgainstProvider, shouldRetry } from '../../src/resilience/retry-rules.js';
import { StatusCache } from '../../src/status-cache.js';

const failure = (code: ProviderFailure['code'], httpStatus?: number, retryAfterMs?: number) =>
  new ProviderFailure({ provider: 'D7', code, message: 'x', httpStatus, retryAfterMs });

describe('retry rules', () => {
  it('retries connection errors, 429, 502, 503 and 504 only', () => {
    expect(shouldRetry(failure('UNAVAILABLE'), 2000)).toBe(true); // connection error: no HTTP status
    for (const status of [429, 502, 503, 504]) expect(shouldRetry(failure(status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE', status), 2000)).toBe(true);
    for (const status of [400, 401, 404, 408, 500, 501]) expect(shouldRetry(failure('UNAVAILABLE', status), 2000)).toBe(false);
    expect(shouldRetry(failure('TIMEOUT'), 2000)).toBe(false); // our own timeout: the provider was already slow
    expect(shouldRetry(failure('BAD_RESPONSE', 200), 2000)).toBe(false);
    expect(shouldRetry(new Error('bug'), 2000)).toBe(false);
  });

  it('does not retry when Retry-After is over the cap', () => {
    expect(shouldRetry(failure('RATE_LIMITED', 429, 2000), 2000)).toBe(true);
    expect(shouldRetry(failure('RATE_LIMITED', 429, 2001), 2000)).toBe(false);
  });

  it('counts only provider-side trouble towards the circuit', () => {
    expect(countsAgainstProvider(failure('UNAVAILABLE', 500))).toBe(true);
    expect(countsAgainstProvider(failure('TIMEOUT'))).toBe(true);
    expect(countsAgainstProvider(failure('UNAUTHORIZED', 401))).toBe(false);
    expect(countsAgainstProvider(failure('BAD_RESPONSE', 200))).toBe(false);
  });
});

describe('deadlineBackoff', () => {
  const ctx = (attempt: number, error: unknown): IRetryBackoffContext<unknown> => ({
    attempt,
    signal: new AbortController().signal,
    result: { error: error as Error },
  });

  it('grows exponentially with jitter between half and all of the step, up to the max', () => {
    const low = deadlineBackoff({ baseMs: 100, maxDelayMs: 1000, deadline: Date.now() + 60_000, random: () => 0 });
    const high = deadlineBackoff({ baseMs: 100, maxDelayMs: 1000, deadline: Date.now() + 60_000, random: () => 1 });
    const e = failure('UNAVAILABLE');
    expect([1, 2, 3, 4, 5].map((n) => low.next(ctx(n, e)).duration)).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => high.next(ctx(n, e)).duration)).toEqual([100, 200, 400, 800, 1000]);
  });

  it('waits at least Retry-After, and never past the deadline', () => {
    const far = deadlineBackoff({ baseMs: 100, maxDelayMs: 1000, deadline: Date.now() + 60_000, random: () => 1 });
    expect(far.next(ctx(1, failure('RATE_LIMITED', 429, 1500))).duration).toBe(1500);
    const near = deadlineBackoff({ baseMs: 100, maxDelayMs: 1000, deadline: Date.now() + 300, random: () => 1 });
    expect(near.next(ctx(1, failure('RATE_LIMITED', 429, 1500))).duration).toBeLessThanOrEqual(300);
  });
});

describe('StatusCache', () => {
  const rec = (id: string, isFinal: boolean): MessageStatusRecord => ({ provider: 'D7', providerMessageId: id, state: 'READ', isFinal, fetchedAt: new Date(), details: {} });
  const settings = { maxEntries: 2, finalTtlMs: 60_000, movingTtlMs: 60_000, notFoundTtlMs: 60_000 };

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new StatusCache(settings);
    const now = Date.now();
    cache.set('a', { record: rec('a', true), fetchedAt: now });
    cache.set('b', { record: rec('b', true), fetchedAt: now });
    cache.get('a', 0); // a is now more recent than b
    cache.set('c', { record: null, fetchedAt: now });
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toEqual({ record: null, fetchedAt: now });
  });

  it('does not let an older answer replace a newer one', () => {
    const cache = new StatusCache(settings);
    cache.set('a', { record: rec('a', false), fetchedAt: 2000 });
    cache.set('a', { record: rec('a', true), fetchedAt: 1000 });
    expect(cache.get('a', 0)?.fetchedAt).toBe(2000);
  });

  it('is off with maxEntries 0', () => {
    const cache = new StatusCache({ ...settings, maxEntries: 0 });
    cache.set('a', { record: rec('a', true), fetchedAt: Date.now() });
    expect(cache.get('a', 0)).toBeUndefined();
  });
});
