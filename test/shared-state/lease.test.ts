import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { Leases } from '../../src/shared-state/lease.js';
import { capturingLogger, redisSettings, testRedis, until } from '../helpers/redis.js';

let server: Awaited<ReturnType<typeof testRedis>>;
let first: RedisConnection;
let second: RedisConnection;
let a: Leases;
let b: Leases;

beforeAll(async () => {
  server = await testRedis();
  const settings = redisSettings(server.url);
  [first, second] = [connectRedis(settings, { logger: capturingLogger().logger }), connectRedis(settings, { logger: capturingLogger().logger })];
  [a, b] = [new Leases(first, 'watcher'), new Leases(second, 'watcher')];
  await until(() => first.state === 'up' && second.state === 'up');
});
afterAll(async () => {
  await first.close();
  await second.close();
  await server.close();
});

const token = (attempt: Awaited<ReturnType<Leases['acquire']>>) => (attempt.outcome === 'won' ? attempt.token : expect.fail(`expected to win, got ${attempt.outcome}`));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leases: one holder per key across replicas', () => {
  it('a renewing holder keeps the lease past its lifetime; the other replica stays out', async () => {
    const held = token(await a.acquire('m1', 200));
    for (let i = 0; i < 4; i++) {
      await sleep(100);
      expect(await a.renew('m1', held, 200)).toBe('renewed');
      expect((await b.acquire('m1', 200)).outcome).toBe('held');
    }
  });

  it('a holder that stops renewing is taken over after its lifetime; its late renew and release are refused', async () => {
    const old = token(await a.acquire('m2', 150));
    expect((await b.acquire('m2', 150)).outcome).toBe('held');
    await sleep(200);
    const successor = token(await b.acquire('m2', 5_000));
    expect(await a.renew('m2', old, 5_000)).toBe('lost');
    expect(await a.release('m2', old)).toBe(false);
    // The successor still holds it: the old holder's calls changed nothing.
    expect(await b.renew('m2', successor, 5_000)).toBe('renewed');
    expect((await a.acquire('m2', 150)).outcome).toBe('held');
  });

  it('release hands the lease on at once', async () => {
    const held = token(await a.acquire('m3', 10_000));
    expect(await a.release('m3', held)).toBe(true);
    expect((await b.acquire('m3', 10_000)).outcome).toBe('won');
  });

  it('leases of different namespaces or keys do not meet', async () => {
    token(await a.acquire('m4', 10_000));
    expect((await b.acquire('m5', 10_000)).outcome).toBe('won');
    expect((await new Leases(second, 'other').acquire('m4', 10_000)).outcome).toBe('won');
  });
});
