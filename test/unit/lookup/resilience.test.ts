import { describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { ProviderFailure } from '../../../src/domain/provider-failure.js';
import { backoffDelay } from '../../../src/lookup/policy/backoff.js';
import { countsAgainstProvider, shouldRetry } from '../../../src/lookup/policy/retry-rules.js';
import { StatusCache } from '../../../src/lookup/status-cache.js';

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

describe('backoffDelay', () => {
  const far = () => Date.now() + 60_000;

  it('grows exponentially with jitter between half and all of the step, up to the max', () => {
    const e = failure('UNAVAILABLE');
    const low = (n: number) => backoffDelay(n, e, far(), { baseMs: 100, maxDelayMs: 1000, random: () => 0 });
    const high = (n: number) => backoffDelay(n, e, far(), { baseMs: 100, maxDelayMs: 1000, random: () => 1 });
    expect([1, 2, 3, 4, 5].map(low)).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map(high)).toEqual([100, 200, 400, 800, 1000]);
  });

  it('waits at least Retry-After, and never past the deadline', () => {
    const options = { baseMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect(backoffDelay(1, failure('RATE_LIMITED', 429, 1500), far(), options)).toBe(1500);
    expect(backoffDelay(1, failure('RATE_LIMITED', 429, 1500), Date.now() + 300, options)).toBeLessThanOrEqual(300);
  });
});

describe('StatusCache', () => {
  const rec = (id: string, isFinal: boolean, fetchedAt = Date.now()): MessageStatusRecord => ({
    provider: 'D7',
    providerMessageId: id,
    state: isFinal ? 'READ' : 'SENT',
    isFinal,
    fetchedAt: new Date(fetchedAt),
    details: {},
  });
  const settings = { maxEntries: 2, finalTtlMs: 60_000, movingTtlMs: 60_000, notFoundTtlMs: 60_000 };

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new StatusCache(settings);
    const now = Date.now();
    cache.merge('a', rec('a', true, now), now);
    cache.merge('b', rec('b', true, now), now);
    cache.get('a', 0); // a is now more recent than b
    cache.merge('c', null, now);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toMatchObject({ record: null, checkedAt: now });
  });

  it('does not let an older answer replace a newer one', () => {
    const cache = new StatusCache(settings);
    const now = Date.now();
    cache.merge('a', rec('a', false, now), now);
    const outcome = cache.merge('a', rec('a', false, now - 1000), now - 1000);
    expect(outcome.changed).toBe(false);
    expect(cache.get('a', 0)?.record?.fetchedAt.getTime()).toBe(now);
  });

  it('serves an entry only while fresh, but keeps it as the floor for later answers', () => {
    const cache = new StatusCache({ ...settings, movingTtlMs: 0, finalTtlMs: 0 });
    const now = Date.now();
    cache.merge('a', rec('a', true, now - 10), now - 10);
    expect(cache.get('a', 0)).toBeUndefined();
    // A later poll that went backwards (SENT after READ) does not undo READ.
    const outcome = cache.merge('a', rec('a', false, now), now);
    expect(outcome).toMatchObject({ changed: false, regressed: true });
    expect(cache.known('a')?.record?.state).toBe('READ');
    expect(cache.known('a')?.checkedAt).toBe(now);
  });

  it('is off with maxEntries 0', () => {
    const cache = new StatusCache({ ...settings, maxEntries: 0 });
    cache.merge('a', rec('a', true), Date.now());
    expect(cache.get('a', 0)).toBeUndefined();
  });
});
