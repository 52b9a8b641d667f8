import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, type LoadSignal } from '../../../src/lookup/policy/adaptive-limit.js';
import { Bulkhead, INTERACTIVE, POLL } from '../../../src/lookup/policy/bulkhead.js';
import { pollLimit } from '../../../src/lookup/policy/provider-policy.js';

/** A limiter on a fake clock, and a provider that answers every call in `rtt` ms with `signal`, the limit kept full. */
function harness(options = { initial: 32, min: 4, max: 256 }) {
  let now = 0;
  const limiter = new AdaptiveLimit(options, () => now);
  /** Our process stalls `ms`: every call in flight answers late, all at once when it resumes. */
  const stall = (ms: number, rtt: number) => {
    now += ms;
    const batch = limiter.limit;
    for (let i = 0; i < batch; i++) limiter.sample(ms + rtt, 'answered', batch);
  };
  /**
   * Runs `ms` of traffic: a full limit of calls, each answering after `rtt` ms, their answers
   * spread evenly over the RTT. Returns the limit after each RTT.
   */
  const run = (ms: number, rtt: number, signal: LoadSignal = 'answered', inFlight = (limit: number) => limit) => {
    const seen: number[] = [];
    for (const end = now + ms; now < end; ) {
      const batch = limiter.limit;
      for (let i = 0; i < batch; i++) {
        now += rtt / batch;
        limiter.sample(rtt, signal, inFlight(batch));
      }
      seen.push(limiter.limit);
    }
    return seen;
  };
  return { limiter, run, stall };
}

describe('AdaptiveLimit', () => {
  it('rises under fast success while the limit is in use, up to its ceiling and no further', () => {
    const { limiter, run } = harness();
    const seen = run(2_000, 20);
    expect(seen[0]).toBeGreaterThan(32);
    expect(limiter.limit).toBe(256);
    expect(Math.max(...seen)).toBe(256);
  });

  it('does not rise when the limit is not in use (an idle provider earns no burst credit)', () => {
    const { limiter, run } = harness();
    run(2_000, 20, 'answered', () => 3);
    expect(limiter.limit).toBe(32);
  });

  it('falls when RTT grows well past the no-load RTT, to near its floor and not below', () => {
    const { limiter, run } = harness();
    run(1_000, 20);
    expect(limiter.limit).toBe(256);
    const slow = run(10_000, 500);
    // The first window to close after the step holds the old, fast answers; the next one falls.
    expect(slow[1]).toBeLessThan(256);
    expect(limiter.limit).toBeLessThanOrEqual(8);
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(4);
  });

  it('a stall of our own costs nothing when fast answers follow in its window, and a quarter of the limit (not half) when it fills one', () => {
    const { limiter, run, stall } = harness();
    run(1_000, 20);
    stall(500, 20);
    run(100, 20);
    expect(limiter.limit).toBe(256);
    stall(500, 20);
    stall(500, 20);
    expect(limiter.limit).toBe(256 * 0.75);
  });

  it('holds within twice the no-load RTT + 50 ms (a busy process delays its own answers), and falls past it', () => {
    const { limiter, run } = harness();
    run(1_000, 20);
    run(2_000, 85);
    expect(limiter.limit).toBe(256);
    run(2_000, 120);
    expect(limiter.limit).toBeLessThan(256);
  });

  it('falls multiplicatively on 429/503/timeouts, whatever the RTT, to its floor and not below', () => {
    const { limiter, run } = harness();
    run(1_000, 20);
    const limits = run(200, 5, 'overload');
    // One decrease per window (one no-load RTT), not per failed call: 256 × 0.7 = 179, then 125.
    // 40 batches of 5 ms, 10 windows: ten steps down, not forty (nor one per call).
    const steps = limits.filter((limit, i) => limit !== limits[i - 1]);
    expect(steps.slice(0, 4)).toEqual([256, 179, 125, 87]);
    expect(steps).toHaveLength(11);
    run(2_000, 5, 'overload');
    expect(limiter.limit).toBe(4);
  });

  it('rises again when the provider recovers', () => {
    const { limiter, run } = harness();
    run(1_000, 20);
    run(10_000, 500);
    expect(limiter.limit).toBeLessThanOrEqual(8);
    run(3_000, 20);
    expect(limiter.limit).toBe(256);
    run(500, 20, 'overload');
    expect(limiter.limit).toBeLessThan(64);
    run(3_000, 20);
    expect(limiter.limit).toBe(256);
  });

  it('a provider that got permanently slower becomes the new normal: the no-load RTT decays toward it', () => {
    const { limiter, run } = harness();
    run(1_000, 20);
    run(5_000, 200);
    expect(limiter.limit).toBeLessThan(32);
    // Minutes later 200 ms is normal: the limit has grown back.
    run(120_000, 200);
    expect(limiter.baselineRtt).toBeGreaterThan(100);
    expect(limiter.limit).toBe(256);
  });

  it('stays within floor and ceiling, starting in between', () => {
    expect(new AdaptiveLimit({ initial: 1_000, min: 4, max: 64 }).limit).toBe(64);
    expect(new AdaptiveLimit({ initial: 1, min: 4, max: 64 }).limit).toBe(4);
    const { limiter, run } = harness({ initial: 10, min: 10, max: 10 });
    run(1_000, 20);
    run(1_000, 500, 'overload');
    expect(limiter.limit).toBe(10);
    expect(() => new AdaptiveLimit({ initial: 1, min: 5, max: 4 })).toThrow(RangeError);
  });
});

describe('Bulkhead with a moving limit', () => {
  it('a lowered limit lets running calls finish and admits no waiter until fewer run; a raised one admits waiters at once', async () => {
    const bulkhead = new Bulkhead('D7', 3, 10, 1);
    for (let i = 0; i < 3; i++) expect(bulkhead.acquire(INTERACTIVE)).toBeUndefined();
    const waiters = Array.from({ length: 4 }, () => bulkhead.acquire(INTERACTIVE)!);
    const admitted: number[] = [];
    waiters.forEach((w, i) => void w.then(() => admitted.push(i)));
    bulkhead.setLimit(INTERACTIVE, 1);
    expect(bulkhead.limit(INTERACTIVE)).toBe(1);
    bulkhead.release(INTERACTIVE);
    bulkhead.release(INTERACTIVE);
    await Promise.resolve();
    expect([bulkhead.activeCount(INTERACTIVE), bulkhead.queueLength(INTERACTIVE), admitted]).toEqual([1, 4, []]);
    // At the limit, a slot is handed on to the next waiter.
    bulkhead.release(INTERACTIVE);
    await Promise.resolve();
    expect([bulkhead.activeCount(INTERACTIVE), admitted]).toEqual([1, [0]]);
    bulkhead.setLimit(INTERACTIVE, 3);
    await Promise.resolve();
    expect([bulkhead.activeCount(INTERACTIVE), bulkhead.queueLength(INTERACTIVE), admitted]).toEqual([3, 1, [0, 1, 2]]);
    // The poll lane moves on its own: the interactive one's waiters are not its.
    bulkhead.setLimit(POLL, 5);
    expect(bulkhead.queueLength(INTERACTIVE)).toBe(1);
  });

  it('the poll lane keeps WATCHER_POLL_CONCURRENCY slots while the interactive limit is at its start or above, and its share of it below (at least 1)', () => {
    expect([pollLimit(32, 32, 8), pollLimit(256, 32, 8), pollLimit(16, 32, 8), pollLimit(4, 32, 8), pollLimit(1, 32, 8), pollLimit(4, 8, 4)]).toEqual([8, 8, 4, 1, 1, 2]);
  });
});
