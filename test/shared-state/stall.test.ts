import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { capturingLogger, redisSettings, startOwnRedis, until, type OwnRedis } from '../helpers/redis.js';

// A Redis that stops reading keeps its TCP connection open: nothing says "down". Every command
// used to wait in ioredis' queue and its bytes in the socket's buffer until the stall ended:
// 2,000 cache writes of 100 KB held 196 MB, and the connection still said "up".

let own: OwnRedis;
let connection: RedisConnection;
const { logger, lines } = capturingLogger();

beforeAll(async () => {
  own = await startOwnRedis();
  // REDIS_COMMAND_TIMEOUT_MS short, so the timeouts that mark a stall come quickly.
  connection = connectRedis(redisSettings(own.url, { commandTimeoutMs: 100 }), { logger });
  await until(() => connection.state === 'up');
});
afterAll(async () => {
  own.resume();
  await connection.close();
  await own.stop();
});

it('a stalled Redis holds a bounded backlog, is declared down, and is used again once it answers', async () => {
  let client: Redis | undefined;
  await connection.run('probe', (redis) => ((client = redis), redis.ping()));
  own.pause();
  const value = 'x'.repeat(100_000);
  let mostUnsent = 0;
  let mostQueued = 0;
  try {
    // 1,200 writes of 100 KB (120 MB), in rounds as requests would make them, over about 1.2 s or more.
    for (let round = 0; round < 12; round++) {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => connection.run('set', (redis) => redis.set(`test:stall:${round}:${i}`, value))));
      expect(results.every((r) => r === undefined)).toBe(true);
      mostUnsent = Math.max(mostUnsent, client!.stream.writableLength);
      mostQueued = Math.max(mostQueued, client!.commandQueue.length);
    }
    // After three commands in a row without an answer it is down, and its backlog is dropped.
    await until(async () => (await connection.run('set', (redis) => redis.set('test:stall:more', value)), connection.state === 'down'), 5_000);
    await until(() => client!.commandQueue.length === 0, 5_000);
  } finally {
    own.resume();
  }
  expect(mostUnsent).toBeLessThan(9 * 1024 * 1024);
  expect(mostQueued).toBeLessThan(1_200);
  expect(lines.filter((l) => l.redis === 'down')).toHaveLength(1);
  // Back by itself once Redis reads again.
  await until(() => connection.state === 'up', 10_000);
  expect(await connection.run('get', (redis) => redis.get('test:stall:absent'))).toBeNull();
}, 30_000);
