import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/security/rate-limit.js';

describe('RateLimiter', () => {
  it('allows perMinute requests at once, then refuses with a Retry-After until tokens refill', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((r) => r.ok)).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 20 });
    // Another client has its own bucket.
    expect(limiter.take('b').ok).toBe(true);
    now = 19_000;
    expect(limiter.take('a').ok).toBe(false);
    now = 30_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('forgets the least recently seen client beyond maxClients', () => {
    const limiter = new RateLimiter(1, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // 'a' was forgotten, so it starts with a full bucket; 'c' is still empty.
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('c').ok).toBe(false);
  });
});
