import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/domain/status-merge.js';
import { recordBytes } from '../../src/lookup/record-size.js';
import { normalizeBetatelWdr } from '../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../src/providers/betatel/simulator.js';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { createRedisMetrics } from '../../src/shared-state/metrics.js';
import { OWED_LIMITS } from '../../src/shared-state/owed-writes.js';
import type { SharedCache } from '../../src/shared-state/shared-cache.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings } from '../helpers/redis.js';
import { change, sharedCacheOn } from '../helpers/shared-entries.js';

// Changes Redis cannot take are held to be sent again (owed). Each lookup or webhook a caller
// sends while Redis refuses them adds one: the production bounds (10,000 keys, 16 MB of records)
// hold however many distinct messages a caller makes this replica learn, and every change let go
// is counted in redis_cache_owed_dropped_total, which the RedisOwedWritesDropped alert watches.

const answer = (text: string): Answer => ({ record: normalizeBetatelWdr(betatelWdrBody.parse({ ...BETATEL_DOCS_EXAMPLE, text }), new Date()), checkedAt: Date.now() });

let redis: RedisConnection;
let registry: Registry;
let cache: SharedCache;
const metric = async (name: string, labels: Record<string, string> = {}) => sample(await registry.metrics(), name, labels);

beforeAll(() => {
  // Nothing listens on port 1: every command is refused at once, as while Redis is down.
  redis = connectRedis(redisSettings('redis://127.0.0.1:1'), { logger: capturingLogger().logger });
});
afterAll(async () => {
  await redis.close();
});

describe('owed writes to Redis stay within their bounds', () => {
  beforeAll(() => {
    registry = new Registry();
    cache = sharedCacheOn(redis, createRedisMetrics(registry));
  });
  afterAll(() => cache.close());

  it(`past ${OWED_LIMITS.keys} keys the oldest change is let go, and counted`, async () => {
    const small = answer('x');
    expect(recordBytes(small.record!) * OWED_LIMITS.keys).toBeLessThan(OWED_LIMITS.bytes);
    for (let i = 0; i < OWED_LIMITS.keys + 25; i++) expect(await cache.store(`BETATEL:key-${i}`, change(small))).toBe(false);
    expect(cache.owedCount).toBe(OWED_LIMITS.keys);
    expect(await metric('redis_cache_owed_writes')).toBe(OWED_LIMITS.keys);
    expect(await metric('redis_cache_owed_dropped_total')).toBe(25);
    expect(await metric('redis_cache_writes_total', { result: 'unavailable' })).toBe(OWED_LIMITS.keys + 25);
  });
});

describe('owed writes of large records', () => {
  beforeAll(() => {
    registry = new Registry();
    cache = sharedCacheOn(redis, createRedisMetrics(registry));
  });
  afterAll(() => cache.close());

  it('past 16 MB of records the oldest are let go, long before the key bound', async () => {
    // The longest text Betatel's schema takes: each record several KB by the cache's estimate.
    const large = answer('x'.repeat(4_096));
    const fits = Math.floor(OWED_LIMITS.bytes / recordBytes(large.record!));
    expect(fits).toBeLessThan(OWED_LIMITS.keys / 2);
    for (let i = 0; i < fits + 10; i++) await cache.store(`BETATEL:large-${i}`, change(large));
    expect(cache.owedCount).toBe(fits);
    expect(await metric('redis_cache_owed_dropped_total')).toBe(10);
  });
});
