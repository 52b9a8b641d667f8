import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { subscribeSse } from '../helpers/live.js';
import { capturingLogger, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event, d7Path, postWebhook, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 23 items 2 and 5: replicas converge on what Redis knows, whatever happened to pub/sub,
// and single flight honours maxAge across replicas.

let counter = 0;
const freshId = () => `00000000-0000-4000-b023-${String(++counter).padStart(12, '0')}`;
const SUBSCRIPTION = `subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on D7Report { messages { msgId state } } } }`;
type Change = { messageStatusChanged: { messages: { msgId: string; state: string }[] } };
const stateOf = (result: { data?: unknown } | undefined, msgId: string) => (result?.data as Change | undefined)?.messageStatusChanged.messages.find((m) => m.msgId === msgId)?.state;
const lookup = (h: Harness, id: string, maxAge?: number) =>
  h.query<{ d7Report: { requestId: string; state: string; messages: { msgId: string; state: string }[] } | null }>(
    `query($id: ID!, $maxAge: Int) { d7Report(requestId: $id, maxAge: $maxAge) { requestId state messages { msgId state } } }`,
    { id, maxAge },
  );

describe('three replicas on their own Redis', () => {
  let own: OwnRedis;
  let admin: Redis;
  let replicas: Harness[];
  let env: Record<string, string>;
  const logs = [capturingLogger(), capturingLogger(), capturingLogger()];
  const upstream = (id: string) => replicas[0]!.simulator('D7').requests.filter((r) => r === id).length;

  beforeAll(async () => {
    own = await startOwnRedis();
    admin = new Redis(own.url);
    // Refused while a test restarts Redis; it reconnects.
    admin.on('error', () => undefined);
    // Watchers poll rarely here: only the shared tier can bring a missed change.
    // A generous command timeout: on a loaded machine slow replies would mark Redis down (three
    // in a row) and turn single flight into local calls; stalls have tests of their own.
    env = { REDIS_URL: own.url, REDIS_KEY_PREFIX: uniquePrefix('converge'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', ...WEBHOOK_ENV, WATCHER_POLL_MIN_MS: '60000', WATCHER_POLL_MAX_MS: '60000' };
    const first = await startHarness({ env, deps: { logger: logs[0]!.logger } });
    const d7 = first.sandbox.simulators.D7!.url;
    replicas = [first];
    for (const log of logs.slice(1)) replicas.push(await startHarness({ env, baseUrls: { D7: d7 }, deps: { logger: log.logger } }));
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
  });
  afterAll(async () => {
    for (const h of replicas) await h.app.live.endAll();
    for (const h of replicas) await h.close();
    admin.disconnect();
    await own.stop();
  });

  it('a change published while pub/sub is down reaches the subscribers on the other replicas once it resumes; one line each way', async () => {
    const id = freshId();
    const subs = [subscribeSse(replicas[1]!, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION), subscribeSse(replicas[2]!, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION)];
    const [first] = await subs[0]!.waitFor(1);
    await subs[1]!.waitFor(1);
    const msgId = (first!.data as Change).messageStatusChanged.messages[0]!.msgId;
    expect(stateOf(first, msgId)).not.toBe('DELIVERED');
    await lookup(replicas[0]!, id);

    // Every replica's pub/sub connection is cut; the webhook's event goes out before they are back.
    expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(3);
    expect((await postWebhook(replicas[0]!, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);

    for (const sub of subs) {
      await until(() => sub.results.some((r) => stateOf(r, msgId) === 'DELIVERED'), 5_000);
      await sub.close();
    }
    for (const { lines } of logs) {
      await until(() => lines.some((l) => l.pubsub === 'up'), 5_000);
      expect(lines.filter((l) => l.pubsub === 'down')).toHaveLength(1);
      expect(lines.filter((l) => l.pubsub === 'up')).toHaveLength(1);
    }
  });

  it('property: under random schedules of pub/sub drops and webhooks (any replica, any order), every subscriber on every replica ends at the most advanced state accepted', async () => {
    const STATUSES = ['sent', 'delivered', 'read'] as const;
    const step = fc.record({ replica: fc.integer({ min: 0, max: 2 }), status: fc.integer({ min: 0, max: 2 }), killFirst: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        const id = freshId();
        const subs = replicas.map((h) => subscribeSse(h, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION));
        try {
          const [first] = await subs[0]!.waitFor(1);
          for (const sub of subs) await sub.waitFor(1);
          const msgId = (first!.data as Change).messageStatusChanged.messages[0]!.msgId;
          let timestamp = Date.now();
          for (const { replica, status, killFirst } of steps) {
            if (killFirst) await admin.client('KILL', 'TYPE', 'pubsub');
            const answer = await postWebhook(replicas[replica]!, d7Path(), d7Event(id, msgId, STATUSES[status]!, (timestamp += 1_000)));
            expect(answer.status).toBe(202);
          }
          const newest = STATUSES[Math.max(...steps.map((s) => s.status))]!.toUpperCase();
          for (const sub of subs) await until(() => stateOf(sub.results.at(-1), msgId) === newest, 5_000);
        } finally {
          await Promise.all(subs.map((sub) => sub.close()));
        }
      }),
      { numRuns: 6 },
    );
  });

  it('a lookup that finds a shared entry older than it wants merges it: a replica that never heard a webhook still answers its state', async () => {
    const id = freshId();
    const known = await lookup(replicas[0]!, id);
    const msgId = known.data!.d7Report!.messages[0]!.msgId;
    expect(known.data!.d7Report!.messages[0]!.state).not.toBe('READ');
    expect((await postWebhook(replicas[0]!, d7Path(), d7Event(id, msgId, 'read', Date.now()))).status).toBe(202);
    const storedState = async () => ((await replicas[0]!.app.sharedState!.cache.read(`D7:${id}`))?.record?.details as { messages: { msgId: string; state: string }[] } | undefined)?.messages.find((m) => m.msgId === msgId)?.state;
    await until(async () => (await storedState()) === 'READ');
    // A replica started later heard no event; the provider's GET still says less than READ.
    const late = await startHarness({ env, baseUrls: { D7: replicas[0]!.sandbox.simulators.D7!.url } });
    try {
      await until(() => late.app.sharedState?.connection.state === 'up');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fresh = await lookup(late, id, 0);
      expect(fresh.data!.d7Report!.messages.find((m) => m.msgId === msgId)?.state).toBe('READ');
    } finally {
      await late.close();
    }
  });

  it('Redis restarted empty: the replicas watching a message write back what they hold, so a replica started afterwards answers it', async () => {
    // DELIVERED, not final: the subscriptions (and so the watchers) stay open across the restart.
    const id = freshId();
    const subs = [subscribeSse(replicas[1]!, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION), subscribeSse(replicas[2]!, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION)];
    try {
      const [first] = await subs[0]!.waitFor(1);
      const msgId = (first!.data as Change).messageStatusChanged.messages[0]!.msgId;
      expect((await postWebhook(replicas[0]!, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
      for (const sub of subs) await until(() => sub.results.some((r) => stateOf(r, msgId) === 'DELIVERED'), 5_000);

      // No persistence here: Redis comes back with nothing in it.
      await own.stop();
      await own.start();
      const stored = async () => ((await replicas[0]!.app.sharedState!.cache.read(`D7:${id}`))?.record?.details as { messages: { msgId: string; state: string }[] } | undefined)?.messages.find((m) => m.msgId === msgId)?.state;
      await until(async () => (await stored()) === 'DELIVERED', 10_000);

      const late = await startHarness({ env, baseUrls: { D7: replicas[0]!.sandbox.simulators.D7!.url } });
      try {
        await until(() => late.app.sharedState?.connection.state === 'up');
        const answer = await lookup(late, id);
        // The sandbox moves the message on by itself; never back before what the webhook said.
        expect(['DELIVERED', 'READ']).toContain(answer.data!.d7Report!.messages.find((m) => m.msgId === msgId)?.state);
      } finally {
        await late.close();
      }
    } finally {
      await Promise.all(subs.map((sub) => sub.close()));
    }
  });

  it('concurrent maxAge: 0 lookups of one id on three replicas make one upstream call, even with an older shared entry', async () => {
    for (let round = 0; round < 3; round++) {
      const id = freshId();
      await lookup(replicas[0]!, id);
      expect(upstream(id)).toBe(1);
      // Three lookups that all began at `began` (maxAge 0: nothing observed before it will do),
      // as requests arriving together would; the entry in Redis is older than that. (Through
      // GraphQL each request's own start would count, which a loaded machine spreads apart.)
      await new Promise((resolve) => setTimeout(resolve, 5));
      const began = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
      const records = await Promise.all(replicas.map((h) => h.app.service.lookup('D7', id, began)));
      expect(records.map((r) => r?.providerMessageId)).toEqual([id, id, id]);
      expect(upstream(id)).toBe(2);
    }
  });
});
