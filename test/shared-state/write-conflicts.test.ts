import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RECORD_BOUNDS } from '../../src/domain/record-bounds.js';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { StatusService, type ProviderRules } from '../../src/lookup/status-service.js';
import type { D7Record } from '../../src/providers/d7/normalize.js';
import { normalizeD7Report } from '../../src/providers/d7/normalize.js';
import { d7ReportBody } from '../../src/providers/d7/schema.js';
import { d7DeliveryEvent, patchReport } from '../../src/providers/d7/webhook.js';
import { providers } from '../../src/providers/registry.js';
import { createSharedState, type SharedState } from '../../src/shared-state/index.js';
import { redisLookupTier } from '../../src/shared-state/lookup-tier.js';
import { bulkMsgId } from '../helpers/bulk-d7.js';
import { capturingLogger, redisSettings, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event } from '../helpers/webhooks.js';

// Issue 23 item 4: under load, 284 of 783 shared writes gave up after five compare-and-set
// conflicts and were never sent again, so the Redis entry stayed behind the replicas that wrote
// to it, and a replica whose own cache had dropped the key served the older report. Every
// write now lands: it retries the parts another replica changed first (merged with what that
// one stored), and a change that cannot land now is sent again later, by itself.

const { resilience, cache } = loadConfig({ CACHE_TTL_MOVING_MS: '120000' }, providers);
const rules = new Map<string, ProviderRules>(providers.map((p) => [p.key, { parseId: p.parseId, mergeRecords: p.createMerge?.(DEFAULT_RECORD_BOUNDS) }]));
const STATUSES = ['sent', 'delivered', 'read'] as const;
const RECIPIENTS = 40;

let counter = 0;
const freshId = () => `00000000-0000-4000-c023-${String(++counter).padStart(12, '0')}`;

/** A report of `RECIPIENTS` messages, all processed, as the provider's GET answered it at `at`. */
function report(id: string, at: number): MessageStatusRecord {
  const messages = Array.from({ length: RECIPIENTS }, (_, i) => ({ msg_id: bulkMsgId(id, i), recipient: `+1555${String(i).padStart(4, '0')}`, status: 'processed' }));
  return normalizeD7Report(d7ReportBody.parse({ request_id: id, messages, request_stage: 'processed', schedule_time: null }), new Date(at));
}

/** What a replica's webhook path offers for one delivery event: the event patched onto what it knows. */
function deliver(service: StatusService, id: string, index: number, status: string, at: number): void {
  const known = service.known('D7', id) as D7Record;
  const event = d7DeliveryEvent.parse(d7Event(id, bulkMsgId(id, index), status, at));
  service.offer('D7', id, patchReport(known, event, bulkMsgId(id, index), at), at);
}

const statesOf = (record: MessageStatusRecord | null | undefined) => (record as D7Record | null | undefined)?.details.messages.map((m) => m.state);

interface Replica {
  shared: SharedState;
  service: StatusService;
}

/** Replicas on one Redis without the status bridge: each knows only what it learned itself, and Redis is all they share. */
function replicasOn(url: string, count: number, keyPrefix: string, commandTimeoutMs = 2_000): Replica[] {
  const settings = redisSettings(url, { keyPrefix, commandTimeoutMs });
  return Array.from({ length: count }, () => {
    const shared = createSharedState(settings, { logger: capturingLogger().logger, registry: new Registry() });
    // A configured D7 (its rules apply to configured providers only) that is never called here.
    const d7 = { fetchStatus: () => Promise.reject(new Error('no upstream call in this test')), close: async () => {} };
    const service = new StatusService(new Map([['D7', d7]]), { resilience, cache, rules, shared: redisLookupTier(shared.cache, shared.singleFlight, settings) });
    return { shared, service };
  });
}

describe('concurrent writers of one many-recipient report', () => {
  let own: OwnRedis;
  let replicas: Replica[];
  const prefix = uniquePrefix('conflicts');
  beforeAll(async () => {
    own = await startOwnRedis();
    replicas = replicasOn(own.url, 4, prefix);
    await until(() => replicas.every((r) => r.shared.connection.state === 'up'));
  });
  afterAll(async () => {
    for (const r of replicas) await r.shared.close();
    await own.stop();
  });

  it('four replicas each applying 40 events at once, on the same messages: the entry ends at the merge of every one, and a replica with an empty cache reads it', async () => {
    const id = freshId();
    const t0 = Date.now() - 60_000;
    for (const { service } of replicas) service.offer('D7', id, report(id, t0), t0);
    const stored = async () => statesOf((await replicas[0]!.shared.cache.read(`D7:${id}`))?.record);
    await until(async () => (await stored())?.length === RECIPIENTS);

    // Replica r moves message i to a status of its own (a deterministic shuffle), each event a
    // moment later than the last: all 160 writes in flight together, every message written by
    // all four replicas.
    const expected: string[] = [];
    for (let i = 0; i < RECIPIENTS; i++) {
      const statuses = replicas.map((_, r) => STATUSES[(i * 7 + r * 5 + ((i * r) % 3)) % 3]!);
      expected.push(statuses.includes('read') ? 'READ' : statuses.includes('delivered') ? 'DELIVERED' : 'SENT');
      replicas.forEach(({ service }, r) => deliver(service, id, i, statuses[r]!, t0 + 1_000 + i * 10 + r));
    }
    expect(new Set(expected).size).toBeGreaterThan(1);

    await until(async () => JSON.stringify(await stored()) === JSON.stringify(expected), 10_000).catch(() => undefined);
    expect(await stored()).toEqual(expected);
    // A replica whose process cache holds nothing serves what Redis holds: every event.
    const [fresh] = replicasOn(own.url, 1, prefix);
    try {
      await until(() => fresh!.shared.connection.state === 'up');
      const read = await fresh!.shared.cache.read(`D7:${id}`);
      expect(statesOf(read?.record)).toEqual(expected);
      expect(read?.record?.state).toBe(expected.includes('SENT') ? 'SENT' : expected.includes('DELIVERED') ? 'DELIVERED' : 'READ');
    } finally {
      await fresh!.shared.close();
    }
  }, 30_000);
});

describe('a change Redis could not take is sent again by itself', () => {
  let own: OwnRedis;
  let admin: Redis;
  let replica: Replica;
  let observer: Replica;
  const prefix = uniquePrefix('owed');
  beforeAll(async () => {
    own = await startOwnRedis();
    admin = new Redis(own.url);
    // Redis is restarted below: the admin client reconnects by itself.
    admin.on('error', () => undefined);
    [replica, observer] = replicasOn(own.url, 2, prefix) as [Replica, Replica];
    await until(() => replica!.shared.connection.state === 'up' && observer!.shared.connection.state === 'up');
  });
  afterAll(async () => {
    await admin.config('SET', 'maxmemory', '0');
    admin.disconnect();
    for (const r of [replica, observer]) await r.shared.close();
    await own.stop();
  });

  const storedStates = async (id: string) => statesOf((await observer.shared.cache.read(`D7:${id}`))?.record);

  it('refused (Redis out of memory), it lands once Redis takes writes again, with no new change to carry it; Redis restarted empty, it is written whole again', async () => {
    const id = freshId();
    const t0 = Date.now() - 60_000;
    replica.service.offer('D7', id, report(id, t0), t0);
    await until(async () => (await storedStates(id))?.length === RECIPIENTS);

    // Every write is refused (OOM); reads still answer.
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    deliver(replica.service, id, 0, 'read', t0 + 1_000);
    await until(() => replica.shared.cache.owedCount === 1);
    // Sent again every second meanwhile, refused each time: still behind, still owed.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await storedStates(id))?.[0]).toBe('PENDING');
    expect(replica.shared.cache.owedCount).toBe(1);

    await admin.config('SET', 'maxmemory', '0');
    await until(async () => (await storedStates(id))?.[0] === 'READ', 5_000);
    // The owed entry is settled when the write's answer is back, a moment after Redis holds it.
    await until(() => replica.shared.cache.owedCount === 0, 5_000);
    expect((await storedStates(id))?.slice(1).every((state) => state === 'PENDING')).toBe(true);

    // Redis restarted empty: the next change is written whole (the entry it changed is gone), not as one message.
    await own.stop();
    await own.start();
    await until(() => replica.shared.connection.state === 'up' && observer.shared.connection.state === 'up', 10_000);
    deliver(replica.service, id, 1, 'delivered', t0 + 2_000);
    await until(async () => (await storedStates(id))?.length === RECIPIENTS, 5_000);
    expect((await storedStates(id))?.slice(0, 2)).toEqual(['READ', 'DELIVERED']);
  }, 30_000);
});
