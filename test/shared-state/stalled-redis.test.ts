import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALLED_AFTER_TIMEOUTS } from '../../src/shared-state/connection.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { capturingLogger, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';

// Issue 23 item 3: Redis is judged by its answers, not its socket. A stalled Redis (socket
// open, no replies) is marked down after a few timeouts in a row, after which a request pays
// nothing for it, and it comes back by itself when it answers again.

const ID = '00000000-0000-4000-b000-00000000a301';
const query = (h: Harness) => h.query<{ d7Report: { requestId: string } | null }>(`query($id: ID!) { d7Report(requestId: $id) { requestId } }`, { id: ID });
/** Commands a request can send; the connection handshake (ready check, resubscribe) is not one. */
const HANDSHAKE = new Set(['info', 'subscribe', 'select', 'client']);
const requestCommands = (proxy: RedisProxy) => proxy.commands().filter((c) => !HANDSHAKE.has(c)).length;
const WARN = 40;
const INFO = 30;

describe('a Redis that stalls', () => {
  let own: OwnRedis;
  let proxy: RedisProxy;
  let h: Harness;
  const { logger, lines } = capturingLogger();
  const redisLines = (level: number) => lines.filter((l) => l.level === level && typeof l.redis === 'string');
  const health = async () => ((await (await h.get('/health')).json()) as { redis: string }).redis;
  const redisUp = async () => /^redis_up (\d)$/m.exec(await (await h.get('/metrics')).text())?.[1];

  beforeAll(async () => {
    own = await startOwnRedis();
    proxy = await startRedisProxy(own.port);
    h = await startHarness({
      env: { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: uniquePrefix('stall'), REDIS_COMMAND_TIMEOUT_MS: '150', RATE_LIMIT_PER_MINUTE: '100000' },
      deps: { logger },
    });
    await until(() => h.app.sharedState?.connection.state === 'up');
  });
  afterAll(async () => {
    await h.close();
    await proxy.close();
    await own.stop();
  });

  it('is marked down after consecutive timeouts: one warn line, /health and redis_up say so', async () => {
    expect((await query(h)).data?.d7Report?.requestId).toBe(ID);
    const before = requestCommands(proxy);
    // A cache hit uses Redis while it answers (the shared rate limit).
    expect((await query(h)).data?.d7Report?.requestId).toBe(ID);
    expect(requestCommands(proxy)).toBeGreaterThan(before);
    expect(await health()).toBe('up');

    proxy.stall();
    // Requests are still answered while Redis stalls (each waits out the timeout until it is detected).
    const answers = await Promise.all(Array.from({ length: STALLED_AFTER_TIMEOUTS }, () => query(h)));
    expect(answers.map((a) => a.data?.d7Report?.requestId)).toEqual(Array(STALLED_AFTER_TIMEOUTS).fill(ID));
    await until(() => h.app.sharedState!.connection.state === 'down', 3_000);
    expect(await health()).toBe('down');
    expect(await redisUp()).toBe('0');
    expect(redisLines(WARN)).toEqual([expect.objectContaining({ redis: 'down', reason: expect.stringMatching(/stalled/) })]);
  });

  it('while down, a cache hit sends Redis nothing', async () => {
    const before = requestCommands(proxy);
    for (let i = 0; i < 20; i++) expect((await query(h)).data?.d7Report?.requestId).toBe(ID);
    expect(requestCommands(proxy)).toBe(before);
    // Still one line, however many requests and reconnect attempts.
    expect(redisLines(WARN)).toHaveLength(1);
  });

  it('comes back by itself when Redis answers again: one info line, and requests use it again', async () => {
    proxy.resume();
    await until(() => h.app.sharedState!.connection.state === 'up', 10_000);
    expect(await health()).toBe('up');
    expect(await redisUp()).toBe('1');
    expect(redisLines(INFO)).toHaveLength(2);
    expect(redisLines(WARN)).toHaveLength(1);
    const before = requestCommands(proxy);
    expect((await query(h)).data?.d7Report?.requestId).toBe(ID);
    expect(requestCommands(proxy)).toBeGreaterThan(before);
  });
});
