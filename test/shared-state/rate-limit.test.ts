import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackLimiter, RateLimiter } from '../../src/security/rate-limit.js';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { RedisBuckets } from '../../src/shared-state/rate-limit.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { capturingLogger, redisSettings, startOwnRedis, testRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';

let server: Awaited<ReturnType<typeof testRedis>>;
let one: RedisConnection;
let two: RedisConnection;

beforeAll(async () => {
  server = await testRedis();
  const settings = redisSettings(server.url);
  [one, two] = [connectRedis(settings, { logger: capturingLogger().logger }), connectRedis(settings, { logger: capturingLogger().logger })];
  await until(() => one.state === 'up' && two.state === 'up');
});
afterAll(async () => {
  await one.close();
  await two.close();
  await server.close();
});

describe('Redis token buckets: one limit per client across replicas', () => {
  it('two replicas give a client its 5 per minute once: 5 of 10 concurrent checks pass, the rest are told 12 s', async () => {
    const [a, b] = [new RedisBuckets(one), new RedisBuckets(two)];
    const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('client-1', 5)));
    expect(verdicts.filter((v) => v?.ok)).toHaveLength(5);
    // 60 s / 5 tokens: the next one is due in 12 s (less the few ms this test took, rounded up).
    expect(verdicts.filter((v) => v && !v.ok)).toEqual(Array(5).fill({ ok: false, retryAfterSeconds: 12 }));
    // Another client has its own bucket.
    expect(await a.take('client-2', 5)).toEqual({ ok: true });
  });

  it('refills continuously: an empty 120-per-minute bucket has a token again after half a second', async () => {
    const buckets = new RedisBuckets(one);
    const verdicts = await Promise.all(Array.from({ length: 121 }, () => buckets.take('refill', 120)));
    expect(verdicts.filter((v) => v?.ok)).toHaveLength(120);
    expect(await buckets.take('refill', 120)).toEqual({ ok: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await buckets.take('refill', 120)).toEqual({ ok: true });
  });

  it('sends the script again when Redis has forgotten it (NOSCRIPT after SCRIPT FLUSH or a restart)', async () => {
    const buckets = new RedisBuckets(one);
    expect(await buckets.take('flushed', 3)).toEqual({ ok: true });
    expect(await one.run('test_flush', (r) => r.script('FLUSH'))).toBe('OK');
    expect(await buckets.take('flushed', 3)).toEqual({ ok: true });
  });
});

describe('rate limits wired into the app (REDIS_URL set)', () => {
  let own: OwnRedis;
  let replicas: Harness[];
  const query = '{ __typename }';

  beforeAll(async () => {
    // Its own server: the last test stops it.
    own = await startOwnRedis();
    const env = { REDIS_URL: own.url, REDIS_KEY_PREFIX: uniquePrefix('app'), RATE_LIMIT_PER_MINUTE: '4' };
    replicas = [await startHarness({ env }), await startHarness({ env })];
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
  });
  afterAll(async () => {
    for (const h of replicas) await h.close();
    await own.stop();
  });

  it('/health says Redis is up', async () => {
    const health = await replicas[0]!.get('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'up' });
  });

  it('one client spread over 2 replicas gets its 4 per minute once', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await replicas[i % 2]!.query(query)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });

  it('with Redis gone each replica limits on its own (4 each); /health says so with a 200, /ready stays 200', async () => {
    await own.stop();
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'down'));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await replicas[i % 2]!.query(query)).status);
    // The local buckets were untouched while Redis answered: full, 4 per replica.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const health = await replicas[1]!.get('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'down' });
    replicas[1]!.app.readiness.markReady();
    expect((await replicas[1]!.get('/ready')).status).toBe(200);
  });
});

describe('FallbackLimiter', () => {
  it('uses the local bucket for exactly the checks the remote one cannot answer', async () => {
    let remoteAnswers = true;
    const remote = { take: async () => (remoteAnswers ? ({ ok: false, retryAfterSeconds: 7 } as const) : undefined) };
    const limiter = new FallbackLimiter(remote, new RateLimiter(1, () => 0), 1);
    expect(await limiter.take('c')).toEqual({ ok: false, retryAfterSeconds: 7 });
    remoteAnswers = false;
    expect(await limiter.take('c')).toEqual({ ok: true });
    expect(await limiter.take('c')).toEqual({ ok: false, retryAfterSeconds: 60 });
  });
});
