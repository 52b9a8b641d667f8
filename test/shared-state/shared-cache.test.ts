import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeBetatelWdr } from '../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../src/providers/betatel/simulator.js';
import { normalizeD7Report } from '../../src/providers/d7/normalize.js';
import { d7ReportBody } from '../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../src/providers/d7/simulator.js';
import { providers } from '../../src/providers/registry.js';
import { Registry } from 'prom-client';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { createRedisMetrics } from '../../src/shared-state/metrics.js';
import { SharedCache } from '../../src/shared-state/shared-cache.js';
import { createAnswerCodec, type StoredAnswer } from '../../src/shared-state/stored-answer.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings, testRedis, until } from '../helpers/redis.js';

const FETCHED_AT = new Date('2025-05-01T12:00:00.123Z');
const codec = createAnswerCodec(providers);

const d7Answer: StoredAnswer = { record: normalizeD7Report(d7ReportBody.parse(D7_DOCS_EXAMPLE), FETCHED_AT), checkedAt: FETCHED_AT.getTime() };
// The docs example has no schedule time; this one has, so a Date inside D7's details makes the trip too.
const d7Scheduled: StoredAnswer = {
  record: normalizeD7Report(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, schedule_time: '2025-06-01T09:00:00Z' }), FETCHED_AT),
  checkedAt: FETCHED_AT.getTime(),
};
const betatelAnswer: StoredAnswer = { record: normalizeBetatelWdr(betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), FETCHED_AT), checkedAt: FETCHED_AT.getTime() + 5 };
const notFound: StoredAnswer = { record: null, checkedAt: 1_700_000_000_000 };

let server: Awaited<ReturnType<typeof testRedis>>;
let redis: RedisConnection;
let cache: SharedCache;
const registry = new Registry();
const reads = async (result: string) => sample(await registry.metrics(), 'redis_cache_reads_total', { result });

beforeAll(async () => {
  server = await testRedis();
  redis = connectRedis(redisSettings(server.url), { logger: capturingLogger().logger });
  cache = new SharedCache(redis, codec, createRedisMetrics(registry));
  await until(() => redis.state === 'up');
});
afterAll(async () => {
  await redis.close();
  await server.close();
});

/** Stores `answer` whatever is stored (the unconditional write). */
const put = (key: string, answer: StoredAnswer, ttlMs: number) => cache.store(key, () => ({ answer, ttlMs }));

/** Writes raw text where the cache entry for `key` lives, as another program or version would. */
const plant = (key: string, text: string) => redis.run('test_set', (r) => r.set(cache.entryKey(key), text, 'PX', 10_000));

describe('shared cache: answers make the trip through Redis unchanged', () => {
  it.each([
    ['the D7 docs example', d7Answer],
    ['a scheduled D7 report', d7Scheduled],
    ['the Betatel docs example', betatelAnswer],
    ['a not-found answer', notFound],
  ])('%s reads back deep-equal', async (name, answer) => {
    expect(await put(name, answer, 10_000)).toBe('written');
    const read = await cache.read(name);
    // toEqual tells a Date from its ISO text, so this holds the Dates too.
    expect(read).toEqual(answer);
  });

  it('keeps the Dates inside provider details as Dates', async () => {
    await put('dates', betatelAnswer, 10_000);
    const read = await cache.read('dates');
    const details = read?.record?.details as { createdAt: Date; deliveredAt: Date };
    expect(details.createdAt).toEqual(new Date('2024-01-15T10:30:00.000Z'));
    expect(details.deliveredAt).toBeInstanceOf(Date);
    await put('d7-dates', d7Scheduled, 10_000);
    const d7 = await cache.read('d7-dates');
    expect((d7?.record?.details as { scheduleTime: Date }).scheduleTime).toEqual(new Date('2025-06-01T09:00:00Z'));
  });

  it('forgets an entry after its lifetime', async () => {
    await put('short', d7Answer, 50);
    expect(await cache.read('short')).toEqual(d7Answer);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await cache.read('short')).toBeUndefined();
  });

  it('stores nothing for a lifetime of 0 (the cache rule for that kind of answer is off)', async () => {
    expect(await put('zero', d7Answer, 0)).toBe('kept');
    expect(await cache.read('zero')).toBeUndefined();
  });
});

describe('shared cache: a write merges with what is stored, atomically', () => {
  const later = (answer: StoredAnswer, ms: number): StoredAnswer => ({ ...answer, checkedAt: answer.checkedAt + ms });

  it('settle sees what is stored and decides; nothing stored: it is asked about nothing', async () => {
    const seen: (StoredAnswer | undefined)[] = [];
    expect(await cache.store('seen', (stored) => (seen.push(stored), { answer: d7Answer, ttlMs: 10_000 }))).toBe('written');
    // Stored already: the first try (which assumes nothing) is refused and answers the entry.
    expect(await cache.store('seen', (stored) => (seen.push(stored), stored ? undefined : { answer: later(d7Answer, 1), ttlMs: 10_000 }))).toBe('kept');
    expect(seen).toEqual([undefined, undefined, d7Answer]);
    expect(await cache.read('seen')).toEqual(d7Answer);
  });

  it('a write that lost the race to another replica merges with its entry and tries again', async () => {
    const seen: (StoredAnswer | undefined)[] = [];
    const result = await cache.store('race', (stored) => {
      seen.push(stored);
      // Between this replica's look and its write, another one writes the key (sent first on the same connection).
      if (seen.length === 1) void plant('race', codec.encode(d7Answer));
      return { answer: stored ? later(stored, 5) : betatelAnswer, ttlMs: 10_000 };
    });
    expect(result).toBe('written');
    expect(seen).toEqual([undefined, d7Answer]);
    expect(await cache.read('race')).toEqual(later(d7Answer, 5));
  });

  it('an unreadable entry (corrupt, another version) is replaced, settle seeing nothing', async () => {
    await plant('corrupt', '{"v":99}');
    const seen: (StoredAnswer | undefined)[] = [];
    expect(await cache.store('corrupt', (stored) => (seen.push(stored), { answer: betatelAnswer, ttlMs: 10_000 }))).toBe('written');
    expect(seen).toEqual([undefined, undefined]);
    expect(await cache.read('corrupt')).toEqual(betatelAnswer);
  });

  it('gives up after five conflicts in a row (another replica writing the key each time)', async () => {
    let n = 0;
    const result = await cache.store('busy', () => {
      n += 1;
      // Each try, someone else changes the entry first.
      void plant('busy', codec.encode(later(d7Answer, n)));
      return { answer: later(d7Answer, 100 + n), ttlMs: 10_000 };
    });
    expect(result).toBe('conflict');
    expect(n).toBe(5);
  });

  it('concurrent writers of one key never lose the most advanced answer (the merge decides, not the last write)', async () => {
    // Five replicas write one key at once, each keeping the newest of stored and its own.
    const answers = [3, 0, 4, 1, 2].map((n) => later(betatelAnswer, n));
    const newest = (a: StoredAnswer, b: StoredAnswer | undefined) => (b && b.checkedAt >= a.checkedAt ? undefined : { answer: a, ttlMs: 10_000 });
    const results = await Promise.all(answers.map((a) => cache.store('many', (stored) => newest(a, stored))));
    expect(results.every((r) => r === 'written' || r === 'kept')).toBe(true);
    expect((await cache.read('many'))?.checkedAt).toBe(betatelAnswer.checkedAt + 4);
  });
});

describe('shared cache: anything but a valid entry of this version is a miss', () => {
  const valid = JSON.parse(codec.encode(betatelAnswer)) as Record<string, unknown> & { record: Record<string, unknown> };
  it.each([
    ['not JSON', 'not json {'],
    ['JSON of another kind', '"just a string"'],
    ['an empty object', '{}'],
    ['an older version', JSON.stringify({ ...valid, v: 0 })],
    ['a newer version', JSON.stringify({ ...valid, v: 2 })],
    ['no version', JSON.stringify({ ...valid, v: undefined })],
    ['a provider this service does not know', JSON.stringify({ ...valid, record: { ...valid.record, provider: 'OTHER' } })],
    ['details of the other provider', JSON.stringify({ ...valid, record: { ...valid.record, provider: 'D7' } })],
    ['details missing a field', JSON.stringify({ ...valid, record: { ...valid.record, details: { ...(valid.record.details as object), status: undefined } } })],
    ['a date that is not a date', JSON.stringify({ ...valid, record: { ...valid.record, fetchedAt: 'yesterday' } })],
    ['a state that does not exist', JSON.stringify({ ...valid, record: { ...valid.record, state: 'TELEPORTED' } })],
    ['a negative checkedAt', JSON.stringify({ ...valid, checkedAt: -1 })],
  ])('%s', async (name, text) => {
    expect(await plant(`bad:${name}`, text)).toBe('OK');
    const invalid = await reads('invalid');
    expect(await cache.read(`bad:${name}`)).toBeUndefined();
    // Counted apart from a plain miss: many of these during a deploy mean two entry versions.
    expect(await reads('invalid')).toBe(invalid + 1);
  });

  it('a valid entry planted the same way is a hit (the cases above fail for their content alone); an absent one a miss', async () => {
    await plant('good', JSON.stringify(valid));
    const [hits, misses] = [await reads('hit'), await reads('miss')];
    expect(await cache.read('good')).toEqual(betatelAnswer);
    expect(await cache.read('absent')).toBeUndefined();
    expect([await reads('hit'), await reads('miss')]).toEqual([hits + 1, misses + 1]);
  });

  it('a key of another type (a hash) is a miss, not an error', async () => {
    // With a lifetime, like every key these tests leave in a shared Redis.
    await redis.run('test_hset', (r) => r.multi().hset(cache.entryKey('hash'), 'a', '1').pexpire(cache.entryKey('hash'), 10_000).exec());
    expect(await cache.read('hash')).toBeUndefined();
  });
});

describe('answer codec: hostile entries', () => {
  it('any text and any JSON decode to a miss without throwing', () => {
    fc.assert(fc.property(fc.string(), (text) => codec.decode(text) === undefined));
    fc.assert(fc.property(fc.jsonValue(), (value) => codec.decode(JSON.stringify(value)) === undefined));
  });
});
