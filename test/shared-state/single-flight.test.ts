import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeBetatelWdr } from '../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../src/providers/betatel/simulator.js';
import type { SharedStateSettings } from '../../src/shared-state/settings.js';
import { Registry } from 'prom-client';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { createRedisMetrics } from '../../src/shared-state/metrics.js';
import type { SharedCache } from '../../src/shared-state/shared-cache.js';
import { SharedSingleFlight } from '../../src/shared-state/single-flight.js';
import type { StoredAnswer } from '../../src/shared-state/stored-answer.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings, subscribed, testRedis, until } from '../helpers/redis.js';
import { change, entries, sharedCacheOn } from '../helpers/shared-entries.js';

const answer: StoredAnswer = { record: normalizeBetatelWdr(betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), new Date('2025-05-01T12:00:00.000Z')), checkedAt: 1_746_100_800_000 };

/** One replica's view: its own connections, cache and single flight. */
interface Replica {
  redis: RedisConnection;
  cache: SharedCache;
  flight: SharedSingleFlight;
}

let server: Awaited<ReturnType<typeof testRedis>>;
let settings: SharedStateSettings;
const replicas: Replica[] = [];
// One registry for every replica of this file: the counts below add up over them.
const registry = new Registry();
const metrics = createRedisMetrics(registry);
const flights = async (event: string) => sample(await registry.metrics(), 'redis_single_flight_total', { event });

async function replica(): Promise<Replica> {
  const redis = connectRedis(settings, { logger: capturingLogger().logger });
  const cache = sharedCacheOn(redis);
  const one = { redis, cache, flight: new SharedSingleFlight(redis, cache, entries, 50, metrics) };
  replicas.push(one);
  await until(() => redis.state === 'up');
  return one;
}

beforeAll(async () => {
  server = await testRedis();
  // One prefix for the file: the replicas below must see each other's keys.
  settings = redisSettings(server.url);
});
afterAll(async () => {
  for (const r of replicas) {
    r.flight.close();
    r.cache.close();
    await r.redis.close();
  }
  await server.close();
});

describe('single flight across replicas', () => {
  it('of 12 concurrent acquirers on 3 replicas exactly one wins; the 11 others get its published answer', async () => {
    const three = [await replica(), await replica(), await replica()];
    // A message published before the subscriptions exist would be lost (the poll would still
    // find the cache entry, which this test does not write).
    await subscribed(three[0]!.redis, 'flight', replicas.length);
    const attempts = await Promise.all(Array.from({ length: 12 }, (_, i) => three[i % 3]!.flight.acquire('hot', 5_000).then((a) => ({ a, r: three[i % 3]! }))));
    const winners = attempts.filter(({ a }) => a.outcome === 'won');
    expect(winners).toHaveLength(1);
    expect(attempts.filter(({ a }) => a.outcome === 'held')).toHaveLength(11);

    const waits = attempts.filter(({ a }) => a.outcome === 'held').map(({ r }) => r.flight.waitFor('hot', 3_000));
    const started = Date.now();
    const { a: won, r: winner } = winners[0]!;
    // The holder stores its answer, then releases: the waiters are woken and read the entry.
    await winner.cache.store('hot', change(answer));
    await winner.flight.release('hot', (won as { token: string }).token, true);
    const answers = await Promise.all(waits);
    expect(answers).toEqual(Array(11).fill(answer));
    expect([await flights('won'), await flights('held'), await flights('answered')]).toEqual([1, 11, 11]);
    // Published, not found by the timeout or a dead-lock expiry.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await three[1]!.flight.acquire('hot', 5_000)).toMatchObject({ outcome: 'won' });
  });

  it('a waiter that comes after the answer finds it in the cache entry', async () => {
    const [a, b] = [await replica(), await replica()];
    const lock = await a.flight.acquire('late', 5_000);
    expect(lock.outcome).toBe('won');
    await a.cache.store('late', change(answer));
    // The winner wrote the cache, but has not released: no message for b, only the entry.
    expect(await b.flight.waitFor('late', 2_000)).toEqual(answer);
  });

  it('a winner that failed releases with null: waiters stop waiting at once, with no answer', async () => {
    const [a, b] = [await replica(), await replica()];
    await subscribed(a.redis, 'flight', replicas.length);
    const lock = await a.flight.acquire('failed', 5_000);
    const wait = b.flight.waitFor('failed', 3_000);
    const started = Date.now();
    await a.flight.release('failed', (lock as { token: string }).token, false);
    expect(await wait).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('a holder that dies (never releases) costs one lock lifetime: waiters give up when it expires, the next acquire wins', async () => {
    const [dead, b] = [await replica(), await replica()];
    expect((await dead.flight.acquire('orphan', 400)).outcome).toBe('won');
    const started = Date.now();
    expect((await b.flight.acquire('orphan', 400)).outcome).toBe('held');
    const noAnswer = await flights('no_answer');
    expect(await b.flight.waitFor('orphan', 5_000)).toBeUndefined();
    expect(await flights('no_answer')).toBe(noAnswer + 1);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(1_500);
    expect((await b.flight.acquire('orphan', 400)).outcome).toBe('won');
  });

  it('a release by a token that no longer holds the lock leaves the new holder its lock', async () => {
    const [a, b] = [await replica(), await replica()];
    const first = await a.flight.acquire('moved', 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await b.flight.acquire('moved', 5_000)).outcome).toBe('won');
    await a.flight.release('moved', (first as { token: string }).token, false);
    expect((await a.flight.acquire('moved', 5_000)).outcome).toBe('held');
  });

  it('waitFor times out with undefined while the holder is alive and silent', async () => {
    const [a, b] = [await replica(), await replica()];
    await a.flight.acquire('slow', 10_000);
    const started = Date.now();
    const timedOut = await flights('timed_out');
    expect(await b.flight.waitFor('slow', 300)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await flights('timed_out')).toBe(timedOut + 1);
  });

  it('a local miss in one round trip: the entry when there is one (no lock tried), else the lock, taken if free', async () => {
    const [a, b] = [await replica(), await replica()];
    const won = await a.flight.lookOrAcquire('look', 5_000);
    expect(won).toMatchObject({ stored: undefined, claim: { outcome: 'won' } });
    expect(await b.flight.lookOrAcquire('look', 5_000)).toEqual({ stored: undefined, claim: { outcome: 'held' } });
    // The winner's token is the lock's: its release ends it.
    await a.flight.release('look', (won.claim as { token: string }).token, false);
    expect((await b.flight.acquire('look', 5_000)).outcome).toBe('won');

    await a.cache.store('stored', change(answer));
    expect(await b.flight.lookOrAcquire('stored', 5_000)).toEqual({ stored: answer, claim: undefined });
    // Finding the entry took no lock: another replica may still claim the call (when the entry is too old for it).
    expect((await a.flight.acquire('stored', 5_000)).outcome).toBe('won');
    // An entry this version cannot read is no answer, and no lock was tried either.
    await a.redis.run('test_set', (r) => r.set(a.cache.entryKey('unreadable'), '{"v":0}', 'PX', 10_000));
    expect(await b.flight.lookOrAcquire('unreadable', 5_000)).toEqual({ stored: undefined, claim: undefined });
  });
});
