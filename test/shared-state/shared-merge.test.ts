import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { StatusService, type ProviderRules } from '../../src/lookup/status-service.js';
import { loadConfig } from '../../src/config.js';
import { normalizeD7Report } from '../../src/providers/d7/normalize.js';
import { d7ReportBody } from '../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../src/providers/d7/simulator.js';
import { providers } from '../../src/providers/registry.js';
import { createSharedState, type SharedState } from '../../src/shared-state/index.js';
import { redisLookupTier } from '../../src/shared-state/lookup-tier.js';
import { DEFAULT_RECORD_BOUNDS } from '../../src/domain/record-bounds.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings, testRedis, until } from '../helpers/redis.js';

// Issue 15: the Redis entry goes through the status merge too, so a replica holding an older or
// less advanced answer never overwrites what another replica stored (before, the last write won).

const { resilience, cache } = loadConfig({}, providers);
const rules = new Map<string, ProviderRules>(providers.map((p) => [p.key, { parseId: p.parseId, mergeRecords: p.createMerge?.(DEFAULT_RECORD_BOUNDS) }]));
const ID = '2b5d1d56-6f6a-4a57-9a1a-5d2b0c9e7a11';
const [MSG_A, MSG_B] = ['6d29d646-4e09-11ee-84f4-0242ac190006', '7e3ae757-5f1a-11ee-95a5-1353bd2a0117'];

/** A two-message D7 report about ID, as polled at `at`. */
function report(statuses: [string, string], at: number): MessageStatusRecord {
  const [template] = D7_DOCS_EXAMPLE.messages;
  const body = { ...D7_DOCS_EXAMPLE, request_id: ID, messages: [{ ...template, msg_id: MSG_A, status: statuses[0] }, { ...template, msg_id: MSG_B, status: statuses[1] }] };
  return normalizeD7Report(d7ReportBody.parse(body), new Date(at));
}
const states = (r: MessageStatusRecord | null | undefined) => (r?.details as { messages: { msgId: string; state: string }[] }).messages.map((m) => `${m.msgId.slice(0, 4)}:${m.state}`).sort();

let server: Awaited<ReturnType<typeof testRedis>>;
const replicas: { shared: SharedState; service: StatusService; registry: Registry }[] = [];
beforeAll(async () => {
  server = await testRedis();
  const settings = redisSettings(server.url);
  // Two replicas on one Redis, without the status bridge: each knows only what it learned itself.
  for (let i = 0; i < 2; i++) {
    const registry = new Registry();
    const shared = createSharedState(settings, { logger: capturingLogger().logger, registry });
    // A configured D7 (its rules apply to configured providers only) that is never called here.
    const d7 = { fetchStatus: () => Promise.reject(new Error('no upstream call in this test')), close: async () => {} };
    const service = new StatusService(new Map([['D7', d7]]), { resilience, cache, rules, shared: redisLookupTier(shared.cache, shared.singleFlight, settings) });
    replicas.push({ shared, service, registry });
  }
  await until(() => replicas.every((r) => r.shared.connection.state === 'up'));
});
afterAll(async () => {
  for (const r of replicas) await r.shared.close();
  await server.close();
});

const stored = () => replicas[0]!.shared.cache.read(`D7:${ID}`);
const writes = async (i: number, result: string) => sample(await replicas[i]!.registry.metrics(), 'redis_cache_writes_total', { result });

describe('the shared cache entry follows the status merge', () => {
  const t = Date.now();

  it('a replica learning something is stored at once', async () => {
    replicas[0]!.service.offer('D7', ID, report(['read', 'sent'], t), t);
    await until(async () => (await stored()) !== undefined);
    expect(states((await stored())?.record)).toEqual(['6d29:READ', '7e3a:SENT']);
  });

  it('an older, less advanced answer on another replica leaves the entry as it is', async () => {
    const kept = await writes(1, 'kept');
    replicas[1]!.service.offer('D7', ID, report(['sent', 'sent'], t - 1_000), t - 1_000);
    await until(async () => (await writes(1, 'kept')) === kept + 1);
    const entry = await stored();
    expect(states(entry?.record)).toEqual(['6d29:READ', '7e3a:SENT']);
    expect(entry?.checkedAt).toBe(t);
  });

  it('a newer answer is merged per message with the entry, not written over it', async () => {
    const written = await writes(1, 'written');
    // Newer: message B moved on; message A says DELIVERED, behind the READ another replica stored.
    replicas[1]!.service.offer('D7', ID, report(['delivered', 'delivered'], t + 1_000), t + 1_000);
    await until(async () => (await writes(1, 'written')) === written + 1);
    const entry = await stored();
    expect(states(entry?.record)).toEqual(['6d29:READ', '7e3a:DELIVERED']);
    expect(entry?.checkedAt).toBe(t + 1_000);
  });
});
