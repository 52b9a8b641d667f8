import { describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../../src/domain/provider-failure.js';
import { INTERACTIVE } from '../../../src/lookup/policy/bulkhead.js';
import { createProviderPolicy } from '../../../src/lookup/policy/provider-policy.js';
import type { ResilienceSettings } from '../../../src/lookup/settings.js';

const settings: ResilienceSettings = {
  requestDeadlineMs: 8_000,
  attemptTimeoutMs: 5_000,
  bulkheadConcurrency: 32,
  bulkheadQueue: 2_048,
  pollConcurrency: 8,
  // The breaker is another story: held shut so that only the limit is measured here.
  breakerThreshold: 1_000,
  breakerHalfOpenMs: 10_000,
  retryMax: 0,
  retryBaseMs: 100,
  retryMaxDelayMs: 1_000,
  retryAfterCapMs: 2_000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A healthy provider (20 ms) used by a normal client with `workers` lookups at once, and one
 * hostile client asking every `everyMs` for an id the provider answers 500 (the sandbox's
 * serverError id; any id a provider fails on). Returns the normal client's lookups done and
 * the lowest limit seen.
 */
async function run(workers: number, everyMs: number, ms: number) {
  const policy = createProviderPolicy('D7', settings, undefined, { min: 4, max: 256 });
  const end = Date.now() + ms;
  let done = 0;
  let lowest = policy.limit(INTERACTIVE);
  const healthy = async () => {
    while (Date.now() < end) {
      await policy.call(`healthy-${done}`, () => sleep(20), Date.now() + 8_000);
      done += 1;
      lowest = Math.min(lowest, policy.limit(INTERACTIVE));
    }
  };
  const hostile = async () => {
    while (Date.now() < end) {
      await policy
        .call('poisoned', () => Promise.reject(new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: '500', httpStatus: 500 })), Date.now() + 8_000)
        .catch(() => undefined);
      await sleep(everyMs);
    }
  };
  await Promise.all([...Array.from({ length: workers }, healthy), ...(everyMs > 0 ? [hostile()] : [])]);
  return { done, lowest, last: policy.limit(INTERACTIVE) };
}

describe('adaptive limit against one hostile client', () => {
  it("one erroring id per window from one client does not cut every client's limit", async () => {
    const alone = await run(64, 0, 2_000);
    const attacked = await run(64, 10, 2_000);
    // Alone, 64 lookups at once at 20 ms run with the limit rising past them.
    expect(alone.last).toBeGreaterThanOrEqual(64);
    // One 500 every 10 ms (about 9% of the calls, all one client's) must not hold the others near the floor.
    expect(attacked.lowest).toBeGreaterThanOrEqual(16);
    expect(attacked.done).toBeGreaterThan(alone.done * 0.7);
  }, 20_000);
});
