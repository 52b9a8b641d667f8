import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { mergeWholeRecords, type Answer } from '../../src/domain/status-merge.js';
import { normalizeBetatelWdr } from '../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../src/providers/betatel/simulator.js';
import { mergeD7Reports } from '../../src/providers/d7/merge.js';
import { normalizeD7Report, type D7Record } from '../../src/providers/d7/normalize.js';
import { d7ReportBody } from '../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../src/providers/d7/simulator.js';
import { d7DeliveryEvent, patchReport } from '../../src/providers/d7/webhook.js';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { createSharedState, type SharedState } from '../../src/shared-state/index.js';
import { createRedisMetrics } from '../../src/shared-state/metrics.js';
import type { SharedCache } from '../../src/shared-state/shared-cache.js';
import type { StoredAnswer } from '../../src/shared-state/stored-answer.js';
import { bulkMsgId } from '../helpers/bulk-d7.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings, testRedis, until } from '../helpers/redis.js';
import { change, entries, sharedCacheOn } from '../helpers/shared-entries.js';
import { d7Event } from '../helpers/webhooks.js';
import { providers } from '../../src/providers/registry.js';

const FETCHED_AT = new Date('2025-05-01T12:00:00.123Z');

const d7Answer: StoredAnswer = { record: normalizeD7Report(d7ReportBody.parse(D7_DOCS_EXAMPLE), FETCHED_AT), checkedAt: FETCHED_AT.getTime() };
// The docs example has no schedule time; this one has, so a Date inside D7's details makes the trip too.
const d7Scheduled: StoredAnswer = {
  record: normalizeD7Report(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, schedule_time: '2025-06-01T09:00:00Z' }), FETCHED_AT),
  checkedAt: FETCHED_AT.getTime(),
};
const betatelAnswer: StoredAnswer = { record: normalizeBetatelWdr(betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), FETCHED_AT), checkedAt: FETCHED_AT.getTime() + 5 };
const notFound: StoredAnswer = { record: null, checkedAt: 1_700_000_000_000 };

const ID = '3c6e2f57-7a7b-4b68-8b2b-6e3c1d0f8b22';
/** A report of `size` processed messages about ID, as its GET answered at `at`. */
function bulk(size: number, at = FETCHED_AT.getTime()): Answer {
  const messages = Array.from({ length: size }, (_, i) => ({ msg_id: bulkMsgId(ID, i), recipient: `+1555${String(i).padStart(4, '0')}`, status: 'processed', reason: 'Accepted for delivery' }));
  return { record: normalizeD7Report(d7ReportBody.parse({ request_id: ID, messages, request_stage: 'processed', schedule_time: null }), new Date(at)), checkedAt: at };
}
/** `known` with message `index` at `status`, as a delivery event observed at `at` makes it. */
function delivered(known: Answer, index: number, status: string, at: number): Answer {
  const event = d7DeliveryEvent.parse(d7Event(ID, bulkMsgId(ID, index), status, at));
  return { record: patchReport(known.record as D7Record, event, bulkMsgId(ID, index), at), checkedAt: Math.max(known.checkedAt, at) };
}
const states = (record: MessageStatusRecord | null | undefined) => (record as D7Record | null | undefined)?.details.messages.map((m) => m.state);

let server: Awaited<ReturnType<typeof testRedis>>;
let redis: RedisConnection;
let other: RedisConnection;
let cache: SharedCache;
let otherCache: SharedCache;
const registry = new Registry();
const metric = async (name: string, labels: Record<string, string> = {}) => sample(await registry.metrics(), name, labels);
const reads = (result: string) => metric('redis_cache_reads_total', { result });

beforeAll(async () => {
  server = await testRedis();
  const settings = redisSettings(server.url);
  redis = connectRedis(settings, { logger: capturingLogger().logger });
  // Another replica on the same keys.
  other = connectRedis(settings, { logger: capturingLogger().logger });
  cache = sharedCacheOn(redis, createRedisMetrics(registry));
  otherCache = sharedCacheOn(other);
  await until(() => redis.state === 'up' && other.state === 'up');
});
afterAll(async () => {
  cache.close();
  otherCache.close();
  await redis.close();
  await other.close();
  await server.close();
});

/** Writes raw fields where the entry for `key` lives, as another program or version would. */
const plant = (key: string, fields: Record<string, string>) => redis.run('test_plant', (r) => r.multi().del(cache.entryKey(key)).hset(cache.entryKey(key), fields).pexpire(cache.entryKey(key), 10_000).exec());
const rawEntry = (key: string) => redis.run('test_hgetall', (r) => r.hgetall(cache.entryKey(key)));

describe('shared cache: answers make the trip through Redis unchanged', () => {
  it.each([
    ['the D7 docs example', d7Answer],
    ['a scheduled D7 report', d7Scheduled],
    ['a D7 report of 200 recipients', bulk(200)],
    ['the Betatel docs example', betatelAnswer],
    ['a not-found answer', notFound],
  ])('%s reads back deep-equal', async (name, answer) => {
    expect(await cache.store(name, change(answer))).toBe(true);
    // toEqual tells a Date from its ISO text, so this holds the Dates too; the messages keep their order.
    expect(await cache.read(name)).toEqual(answer);
  });

  it('a report is a hash with one field per message, besides its head', async () => {
    await cache.store('fields', change(bulk(3)));
    const fields = Object.keys((await rawEntry('fields')) ?? {}).sort();
    expect(fields).toEqual(['c', 'f', 'h', 'k', 'n', ...[0, 1, 2].map((i) => `p:${bulkMsgId(ID, i)}`), 's'].sort());
  });

  it('keeps the Dates inside provider details as Dates', async () => {
    await cache.store('dates', change(betatelAnswer));
    const details = (await cache.read('dates'))?.record?.details as { createdAt: Date; deliveredAt: Date };
    expect(details.createdAt).toEqual(new Date('2024-01-15T10:30:00.000Z'));
    expect(details.deliveredAt).toBeInstanceOf(Date);
    await cache.store('d7-dates', change(d7Scheduled));
    expect(((await cache.read('d7-dates'))?.record?.details as { scheduleTime: Date }).scheduleTime).toEqual(new Date('2025-06-01T09:00:00Z'));
  });

  it('forgets an entry after its lifetime', async () => {
    await cache.store('short', change(d7Answer, undefined, undefined, 50));
    expect(await cache.read('short')).toEqual(d7Answer);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await cache.read('short')).toBeUndefined();
  });

  it('stores nothing for a lifetime of 0 (the cache rule for that kind of answer is off)', async () => {
    expect(await cache.store('zero', change(d7Answer, undefined, undefined, 0))).toBe(true);
    expect(await cache.read('zero')).toBeUndefined();
  });
});

describe('shared cache: a change costs what changed', () => {
  it('one delivery event on a report of 200 recipients sends that message, not the report', async () => {
    const sent = () => metric('redis_sent_bytes_total', { what: 'cache_write' });
    const base = bulk(200);
    let before = await sent();
    await cache.store('cost', change(base));
    const whole = (await sent()) - before;
    expect(whole).toBeGreaterThan(200 * 300);
    const next = delivered(base, 7, 'read', FETCHED_AT.getTime() + 1_000);
    before = await sent();
    expect(await cache.store('cost', change(next, base, mergeD7Reports))).toBe(true);
    expect((await sent()) - before).toBeLessThan(1_000);
    const stored = await cache.read('cost');
    expect(states(stored?.record)?.filter((s) => s === 'READ')).toHaveLength(1);
    expect(states(stored?.record)?.[7]).toBe('READ');
    // The report's state is derived from its messages again on read.
    expect(stored?.record?.state).toBe('PENDING');
  });

  it('an entry holds at most its part bound: a message past it is not stored, and the write still succeeds', async () => {
    const small = sharedCacheOn(redis, undefined, 3);
    try {
      const base = bulk(3);
      await small.store('bounded', change(base));
      // A fourth message, known only from a delivery event (the report's GET did not list it).
      const extra = '99999999-0000-1000-8000-000000000000';
      const event = d7DeliveryEvent.parse(d7Event(ID, extra, 'delivered', FETCHED_AT.getTime() + 1_000));
      const more: Answer = { record: patchReport(base.record as D7Record, event, extra, FETCHED_AT.getTime() + 1_000), checkedAt: FETCHED_AT.getTime() + 1_000 };
      expect(states(more.record)).toHaveLength(4);
      expect(await small.store('bounded', change(more, base, mergeD7Reports))).toBe(true);
      expect(Object.keys((await rawEntry('bounded')) ?? {}).filter((f) => f.startsWith('p:'))).toHaveLength(3);
      expect(states((await small.read('bounded'))?.record)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    } finally {
      small.close();
    }
  });

  it('the bound is MAX_MESSAGES_PER_RECORD + MAX_UNCONFIRMED_MESSAGES_PER_REPORT, across replicas: their unconfirmed messages together do not grow the entry past it', async () => {
    const { records } = loadConfig({ MAX_MESSAGES_PER_RECORD: '3', MAX_UNCONFIRMED_MESSAGES_PER_REPORT: '1' }, providers);
    const settings = redisSettings(server.url);
    const [a, b] = [0, 1].map(() => createSharedState(settings, { logger: capturingLogger().logger, registry: new Registry(), records })) as [SharedState, SharedState];
    try {
      await until(() => a.connection.state === 'up' && b.connection.state === 'up');
      const base = bulk(3);
      await a.cache.store('D7:across', change(base));
      // Each replica hears of one more message, a different one, from a delivery event: each record holds 4, within its own bounds.
      const unconfirmed = (known: Answer, msgId: string): Answer => {
        const event = d7DeliveryEvent.parse(d7Event(ID, msgId, 'delivered', FETCHED_AT.getTime() + 1_000));
        return { record: patchReport(known.record as D7Record, event, msgId, FETCHED_AT.getTime() + 1_000), checkedAt: FETCHED_AT.getTime() + 1_000 };
      };
      const [onA, onB] = ['99999999-0000-1000-8000-00000000000a', '99999999-0000-1000-8000-00000000000b'].map((msgId) => unconfirmed(base, msgId)) as [Answer, Answer];
      expect([states(onA.record), states(onB.record)].map((s) => s?.length)).toEqual([4, 4]);
      expect(await a.cache.store('D7:across', change(onA, base, mergeD7Reports))).toBe(true);
      expect(await b.cache.store('D7:across', change(onB, base, mergeD7Reports))).toBe(true);
      const fields = await a.connection.run('test_hgetall', (r) => r.hgetall(a.cache.entryKey('D7:across')));
      expect(Object.keys(fields ?? {}).filter((f) => f.startsWith('p:'))).toHaveLength(4);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a change to an entry that expired meanwhile is written whole, not as a report of one message', async () => {
    const base = bulk(5);
    await cache.store('expired', change(base, undefined, undefined, 50));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const next = delivered(base, 2, 'sent', FETCHED_AT.getTime() + 1_000);
    await cache.store('expired', change(next, base, mergeD7Reports));
    expect(states((await cache.read('expired'))?.record)).toEqual(['PENDING', 'PENDING', 'SENT', 'PENDING', 'PENDING']);
  });
});

describe('shared cache: every writer lands, merged part by part', () => {
  it('two replicas changing different messages of one report at once: both land', async () => {
    const base = bulk(10);
    await cache.store('two', change(base));
    const [a, b] = [delivered(base, 1, 'delivered', FETCHED_AT.getTime() + 1_000), delivered(base, 2, 'read', FETCHED_AT.getTime() + 1_000)];
    expect(await Promise.all([cache.store('two', change(a, base, mergeD7Reports)), otherCache.store('two', change(b, base, mergeD7Reports))])).toEqual([true, true]);
    expect(states((await cache.read('two'))?.record)?.slice(0, 3)).toEqual(['PENDING', 'DELIVERED', 'READ']);
  });

  it('the same message changed by two replicas: the status merge decides, whichever lands first', async () => {
    for (const order of [0, 1]) {
      const key = `same-${order}`;
      const base = bulk(4);
      await cache.store(key, change(base));
      const read = delivered(base, 0, 'read', FETCHED_AT.getTime() + 1_000);
      // Later, but less advanced: READ is kept.
      const late = delivered(base, 0, 'delivered', FETCHED_AT.getTime() + 2_000);
      const conflicts = await metric('redis_cache_write_conflicts_total');
      const writes = [() => cache.store(key, change(read, base, mergeD7Reports)), () => cache.store(key, change(late, base, mergeD7Reports))];
      await writes[order]!();
      await writes[1 - order]!();
      expect(states((await cache.read(key))?.record)?.[0]).toBe('READ');
      // The second write expected the message as it was before the first: a conflict, merged.
      expect(await metric('redis_cache_write_conflicts_total')).toBe(conflicts + 1);
    }
  });

  it('a replica whose answer is older and less advanced leaves the entry as it is (kept)', async () => {
    const newer = delivered(bulk(3), 1, 'read', FETCHED_AT.getTime() + 5_000);
    await cache.store('older', change(newer));
    const kept = await metric('redis_cache_writes_total', { result: 'kept' });
    // Another replica that knew nothing writes its older answer whole.
    await cache.store('older', change(bulk(3, FETCHED_AT.getTime() - 1_000), undefined, mergeD7Reports));
    expect(await metric('redis_cache_writes_total', { result: 'kept' })).toBe(kept + 1);
    expect(await cache.read('older')).toEqual(newer);
  });

  it('concurrent writers of one whole record (Betatel) keep the most advanced answer', async () => {
    const later = (n: number): Answer => ({ record: { ...betatelAnswer.record!, fetchedAt: new Date(FETCHED_AT.getTime() + n) }, checkedAt: betatelAnswer.checkedAt + n });
    const answers = [3, 0, 4, 1, 2].map(later);
    await Promise.all(answers.map((a, i) => (i % 2 ? cache : otherCache).store('many', change(a, undefined, mergeWholeRecords))));
    const stored = await cache.read('many');
    expect(stored?.record?.fetchedAt).toEqual(later(4).record!.fetchedAt);
    expect(stored?.checkedAt).toBe(betatelAnswer.checkedAt + 4);
  });

  it('found after not found: the record replaces the not-found entry; not found after found: the record stays', async () => {
    await cache.store('found', change(notFound));
    expect(await cache.read('found')).toEqual(notFound);
    const found = { ...d7Answer, checkedAt: notFound.checkedAt + 1 };
    await otherCache.store('found', change(found, notFound, mergeD7Reports));
    expect(await cache.read('found')).toEqual(found);
    await cache.store('found', change({ record: null, checkedAt: found.checkedAt + 10 }, undefined, mergeD7Reports));
    expect(await cache.read('found')).toEqual({ record: found.record, checkedAt: found.checkedAt + 10 });
  });
});

describe('shared cache: anything but a valid entry of this version is a miss', () => {
  const good = async () => {
    await cache.store('model', change(d7Answer));
    return (await rawEntry('model'))!;
  };
  const part = `p:${D7_DOCS_EXAMPLE.messages[0]!.msg_id}`;

  it('the model entry planted as it is reads back (the cases below fail for their content alone)', async () => {
    await plant('planted', await good());
    expect(await cache.read('planted')).toEqual(d7Answer);
  });

  it.each<[string, (fields: Record<string, string>) => Record<string, string>]>([
    ['no kind', ({ k: _, ...rest }) => rest],
    ['a kind that does not exist', (f) => ({ ...f, k: '2' })],
    ['no head', ({ h: _, ...rest }) => rest],
    ['a head that is not JSON', (f) => ({ ...f, h: 'not json {' })],
    ['a head of the version before', (f) => ({ ...f, h: f.h!.replace('"v":2', '"v":1') })],
    ['a head of a later version', (f) => ({ ...f, h: f.h!.replace('"v":2', '"v":3') })],
    ['a provider this service does not know', (f) => ({ ...f, h: f.h!.replace('"D7"', '"OTHER"') })],
    ['head details missing a field', (f) => ({ ...f, h: f.h!.replace('"requestStage":"processed",', '') })],
    ['a part that is not JSON', (f) => ({ ...f, [part]: '{' })],
    ['a part missing a field', (f) => ({ ...f, [part]: f[part]!.replace('"status":"read",', '') })],
    ['a part with a state that does not exist', (f) => ({ ...f, [part]: f[part]!.replace('"state":"READ"', '"state":"TELEPORTED"') })],
    ['a part without its position', (f) => ({ ...f, [part]: f[part]!.replace(/^\{"i":0,/, '{') })],
    ['a negative checkedAt', (f) => ({ ...f, c: '-1' })],
    ['a checkedAt that is not a number', (f) => ({ ...f, c: 'yesterday' })],
    ['no fetchedAt', ({ f: _, ...rest }) => rest],
  ])('%s', async (name, spoil) => {
    await plant(`bad:${name}`, spoil(await good()));
    const invalid = await reads('invalid');
    expect(await cache.read(`bad:${name}`)).toBeUndefined();
    // Counted apart from a plain miss: many of these during a deploy mean two entry versions.
    expect(await reads('invalid')).toBe(invalid + 1);
  });

  it('a whole record (Betatel) with a second part, or a part of the other provider, is a miss', async () => {
    await cache.store('whole', change(betatelAnswer));
    const fields = (await rawEntry('whole'))!;
    await plant('two-parts', { ...fields, 'p:x': fields['p:']! });
    expect(await cache.read('two-parts')).toBeUndefined();
    await plant('foreign-part', { ...fields, h: fields.h!.replace('"BETATEL"', '"D7"') });
    expect(await cache.read('foreign-part')).toBeUndefined();
  });

  it('an absent entry is a miss; a key of another type is no answer, and a write replaces it', async () => {
    const misses = await reads('miss');
    expect(await cache.read('absent')).toBeUndefined();
    expect(await reads('miss')).toBe(misses + 1);
    await redis.run('test_set', (r) => r.set(cache.entryKey('string'), 'text', 'PX', 10_000));
    expect(await cache.read('string')).toBeUndefined();
    expect(await cache.store('string', change(betatelAnswer))).toBe(true);
    expect(await cache.read('string')).toEqual(betatelAnswer);
  });

  it('an unreadable entry (corrupt, another version) is replaced by the next write', async () => {
    await plant('corrupt', { k: '1', h: '{"v":1}', c: '1', n: '7', 'p:': 'x' });
    expect(await cache.store('corrupt', change(betatelAnswer))).toBe(true);
    expect(await cache.read('corrupt')).toEqual(betatelAnswer);
    await plant('corrupt-kind', { k: 'x', n: '9' });
    expect(await cache.store('corrupt-kind', change(d7Answer))).toBe(true);
    expect(await cache.read('corrupt-kind')).toEqual(d7Answer);
  });
});

describe('entry codec: hostile entries', () => {
  it('any fields decode without throwing, to a miss (or, with kind 0 and a checkedAt, to not found): never a record', () => {
    const field = fc.oneof(fc.constantFrom('k', 'h', 'c', 'f', 'n', 's', 'p:', 'p:x'), fc.string());
    const value = fc.oneof(fc.constantFrom('1', '0', '{"v":2,"provider":"D7","providerMessageId":"x","details":{}}', '{"i":0,"p":{}}'), fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)));
    const noRecord = (fields: Record<string, string> | string[]) => {
      const decoded = entries.decode(fields);
      return decoded === undefined || decoded.answer.record === null;
    };
    fc.assert(fc.property(fc.dictionary(field, value), noRecord));
    fc.assert(fc.property(fc.array(fc.string()), noRecord));
  });
});
