import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeBetatelWdr } from '../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../src/providers/betatel/simulator.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { connectRedis } from '../../src/shared-state/connection.js';
import { createSharedState, type SharedState } from '../../src/shared-state/index.js';
import type { StoredAnswer } from '../../src/shared-state/stored-answer.js';
import { capturingLogger, redisSettings, startOwnRedis, until, type OwnRedis } from '../helpers/redis.js';
import { change } from '../helpers/shared-entries.js';

const TIMEOUT_MS = 200;
const answer: StoredAnswer = { record: normalizeBetatelWdr(betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), new Date('2025-05-01T12:00:00.000Z')), checkedAt: 1_746_100_800_000 };

let own: OwnRedis;
let shared: SharedState;
const { logger, lines } = capturingLogger();
const metrics = createMetrics();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  own = await startOwnRedis();
  shared = createSharedState(redisSettings(own.url, { commandTimeoutMs: TIMEOUT_MS }), { logger, registry: metrics.registry });
  await until(() => shared.connection.state === 'up');
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await shared.close();
  await own.stop();
});

const redisLines = (level: number) => lines.filter((l) => l.level === level && typeof l.redis === 'string');
const WARN = 40;
const INFO = 30;

/** Every call of every part, as a request path would make them. */
function everyCall(round: number): Promise<unknown>[] {
  return [
    shared.cache.read(`k${round}`),
    shared.cache.store(`k${round}`, change(answer)),
    shared.singleFlight.acquire(`k${round}`, 1_000),
    shared.singleFlight.lookOrAcquire(`k${round}`, 1_000),
    shared.singleFlight.waitFor(`k${round}`, 2_000),
    shared.singleFlight.release(`k${round}`, 'token', true),
    shared.statusEvents.publish({ key: `k${round}`, answer, partial: false }),
    shared.leases.acquire(`k${round}`, 1_000),
    shared.leases.renew(`k${round}`, 'token', 1_000),
    shared.leases.release(`k${round}`, 'token'),
    shared.buckets.take('client', 10),
  ];
}

describe('Redis stopped mid-run, then back', () => {
  it('works while up, and logged exactly one "up" line', async () => {
    expect(await shared.buckets.take('client', 10)).toEqual({ ok: true });
    expect(redisLines(INFO)).toHaveLength(1);
    expect(redisLines(WARN)).toHaveLength(0);
  });

  it('while Redis is frozen (slow): every call gives up at the timeout, without rejecting; the timeouts in a row mark it down (one line), and it is back by itself when thawed', async () => {
    own.pause();
    try {
      const started = performance.now();
      const results = await Promise.allSettled(everyCall(100));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 150);
      expect(results.map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual([undefined, false, { outcome: 'unavailable' }, { stored: undefined, claim: { outcome: 'unavailable' } }, undefined, undefined, false, { outcome: 'unavailable' }, 'unavailable', undefined, undefined]);
      // Judged by its answers (issue 23): eleven timeouts in a row, so down although the socket is open.
      expect(shared.connection.state).toBe('down');
      expect(redisLines(WARN)).toEqual([expect.objectContaining({ redis: 'down', reason: expect.stringMatching(/stalled/) })]);
    } finally {
      own.resume();
    }
    expect(await metrics.registry.metrics()).toMatch(/^redis_command_failures_total\{command="ratelimit_take",reason="timeout"\} 1$/m);
    // Thawed, it answers the reconnect's ready check and is up again.
    await until(() => shared.connection.state === 'up', 10_000);
    expect(redisLines(INFO)).toHaveLength(2);
    expect(await shared.buckets.take('client', 10)).toEqual({ ok: true });
  });

  it('while down: every call resolves (no answer) within the timeout, none rejects, one "down" line for all of them', async () => {
    await own.stop();
    // Calls made at once, while the client has not yet noticed, and after it has.
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const results = await Promise.allSettled(everyCall(round));
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 150);
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      const values = results.map((r) => (r as PromiseFulfilledResult<unknown>).value);
      expect(values).toEqual([undefined, false, { outcome: 'unavailable' }, { stored: undefined, claim: { outcome: 'unavailable' } }, undefined, undefined, false, { outcome: 'unavailable' }, 'unavailable', undefined, undefined]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(shared.connection.state).toBe('down');
    // The second "down" line: the first was the frozen Redis above.
    expect(redisLines(WARN)).toHaveLength(2);
    // Its reason is this outage's, not the stall's before it, and says what happened even when the socket just closed.
    expect(redisLines(WARN)[1]).toMatchObject({ redis: 'down', reason: expect.any(String) });
    expect(redisLines(WARN)[1]!.reason).not.toMatch(/stalled/);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^redis_up 0$/m);
    expect(text).toMatch(/^redis_command_failures_total\{command="ratelimit_take",reason="down"\} [1-9]/m);
    expect(text).toMatch(/^redis_cache_reads_total\{result="unavailable"\} [1-9]/m);
    expect(text).toMatch(/^redis_single_flight_total\{event="unavailable"\} [1-9]/m);
  });

  it('after restart: back up by itself, one "up" line more, and every part works again', async () => {
    await own.start();
    await until(() => shared.connection.state === 'up', 5_000);
    expect(redisLines(INFO)).toHaveLength(3);
    expect(redisLines(WARN)).toHaveLength(2);

    expect(await shared.cache.store('after', change(answer))).toBe(true);
    expect(await shared.buckets.take('client', 10)).toEqual({ ok: true });
    expect(await shared.cache.read('after')).toEqual(answer);
    const lock = await shared.singleFlight.acquire('after', 1_000);
    expect(lock.outcome).toBe('won');
    expect(await shared.statusEvents.publish({ key: 'after', answer, partial: false })).toBe(true);
    expect(await metrics.registry.metrics()).toMatch(/^redis_up 1$/m);
    expect(unhandled).toEqual([]);
  });
});

describe('Redis that never answers from the start', () => {
  it('one "down" line, calls resolve undefined at once, closing logs nothing more', async () => {
    const nothing = await startOwnRedis();
    await nothing.stop();
    const captured = capturingLogger();
    // A long command timeout: a call that waited for an answer would take it, one that knows Redis is down takes none of it.
    const redis = connectRedis(redisSettings(nothing.url, { commandTimeoutMs: 5_000 }), { logger: captured.logger });
    const stop = redis.subscribe('anything', () => {});
    await until(() => captured.lines.length > 0, 5_000);
    // Several reconnect attempts later, still one line.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const started = performance.now();
    expect(await redis.run('probe', (r) => r.ping())).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    stop();
    await redis.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(captured.lines).toEqual([expect.objectContaining({ level: WARN, redis: 'down' })]);
  });
});
