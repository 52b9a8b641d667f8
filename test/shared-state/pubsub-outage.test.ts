import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';

// Issue 21 item 9: the pub/sub connection can be lost while commands still work (redis_up stays
// 1), so it has a gauge of its own for an alert (monitoring/prometheus/alerts.yml, RedisPubSubDown).

describe('a Redis pub/sub connection lost on its own', () => {
  let own: OwnRedis;
  let proxy: RedisProxy;
  let h: Harness;
  const { logger, lines } = capturingLogger();
  const gauges = async () => {
    const text = await (await h.get('/metrics')).text();
    return { redis: sample(text, 'redis_up'), pubsub: sample(text, 'redis_pubsub_up') };
  };

  beforeAll(async () => {
    own = await startOwnRedis();
    proxy = await startRedisProxy(own.port);
    h = await startHarness({ env: { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: uniquePrefix('pubsub'), REDIS_COMMAND_TIMEOUT_MS: '2000' }, deps: { logger } });
    // Both connections: pub/sub may be subscribed before the command connection is ready.
    await until(async () => {
      const { redis, pubsub } = await gauges();
      return redis === 1 && pubsub === 1;
    }, 10_000);
  });
  afterAll(async () => {
    await h.close();
    await proxy.close();
    await own.stop();
  });

  it('redis_pubsub_up is 0 while it is lost and redis_up stays 1; both 1 once it resumes; one line each way', async () => {
    expect(await gauges()).toEqual({ redis: 1, pubsub: 1 });

    // Its reconnects are refused, the command connection carries on.
    proxy.refuse();
    proxy.cut('subscribe');
    await until(() => lines.some((l) => l.pubsub === 'down'), 10_000);
    expect(await gauges()).toEqual({ redis: 1, pubsub: 0 });
    // Still lost after several reconnect attempts (100 ms backoff, doubling).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await gauges()).toEqual({ redis: 1, pubsub: 0 });

    proxy.accept();
    await until(async () => (await gauges()).pubsub === 1, 5_000);
    expect(await gauges()).toEqual({ redis: 1, pubsub: 1 });
    expect(lines.filter((l) => l.pubsub === 'down')).toHaveLength(1);
    expect(lines.filter((l) => l.pubsub === 'up')).toHaveLength(1);
  });
});
