import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type Fault, type FaultServer } from '../helpers/fault-server.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { subscribeSse, type Collected } from '../helpers/live.js';
import { sample } from '../helpers/prometheus.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event, d7Path, postWebhook, sleep, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 23, last test: under random schedules of the faults an operator's worst day brings
// (pub/sub drops, Redis stalls and restarts, replicas replaced, the provider failing, webhooks
// in any order on any replica), every subscriber on every replica ends at the newest state a
// replica accepted (answered 202 for), and so does a fresh lookup on each: no accepted change is lost.
// A webhook answered 503 is redelivered once the faults heal, as the provider would: a 503 may still
// have changed a replica (e.g. a webhook during a stall just after a Redis restart, answered 503, left
// DELIVERED behind), which is harmless only because the provider sends it again.
//
// Redis restarts here keep what Redis acknowledged (append-only file, fsync always).
// FAULT_EMPTY_RESTART=1 runs the same property without persistence: it used to fail with [webhook
// delivered on replica 0 (202), Redis restart, replica 0 replaced], since replicas resuming pub/sub
// only read Redis; they now write back the watched messages Redis lost (converge.test.ts holds
// that case), and the messages they cache. A message no replica holds any more is still forgotten by a Redis restarted empty.

let counter = 0;
const freshId = () => `00000000-0000-4000-b024-${String(++counter).padStart(12, '0')}`;
const freshMsgId = (n: number) => `6d29d646-4e09-11ee-84f${6 + n}-${String(counter).padStart(12, '0')}`;
const SUBSCRIPTION = `subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on D7Report { messages { msgId state } } } }`;
type Change = { messageStatusChanged: { messages: { msgId: string; state: string }[] } };
const STATUSES = ['sent', 'delivered', 'read'] as const;

/** The provider's GET: it lists the message as sent (it lags the postbacks), or fails. */
const listedSent = (msgId: string): Fault => ({ kind: 'report', messages: [{ msg_id: msgId, status: 'sent' }] });
const failing: Fault = { kind: 'status', status: 503 };

// Message 0 is in the provider's GET; message 1 is not yet (the GET lags the postbacks), so its
// webhook is kept as a partial record while the GET is retried, failing or not.
const webhook = { replica: fc.integer({ min: 0, max: 2 }), message: fc.integer({ min: 0, max: 1 }), status: fc.integer({ min: 0, max: 2 }), offsetMs: fc.integer({ min: 0, max: 60_000 }) };
const step = fc.oneof(
  // Timestamps drawn independently: increasing, equal or shuffled as it happens.
  fc.record({ kind: fc.constant('webhook' as const), ...webhook }),
  fc.record({ kind: fc.constant('pubsub-drop' as const) }),
  // A webhook sent while Redis stalls; stalls past the command timeout may be answered 503 (not accepted).
  fc.record({ kind: fc.constant('stall' as const), ms: fc.integer({ min: 100, max: 2_500 }), ...webhook }),
  fc.record({ kind: fc.constant('redis-restart' as const) }),
  fc.record({ kind: fc.constant('replica-replaced' as const), replica: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('provider' as const), failing: fc.boolean() }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

describe('three replicas on their own Redis behind a proxy, D7 a fault server', () => {
  let own: OwnRedis;
  let dataDir: string;
  let proxy: RedisProxy;
  let admin: Redis;
  let provider: FaultServer;
  let env: Record<string, string>;
  let replicas: Harness[];
  const start = () => startHarness({ env, baseUrls: { D7: provider.url } });
  const redisUp = (h: Harness) => h.app.sharedState?.connection.state === 'up';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fault-schedules-'));
    own = await startOwnRedis(process.env.FAULT_EMPTY_RESTART ? {} : { appendOnlyDir: dataDir });
    proxy = await startRedisProxy(own.port);
    admin = new Redis(own.url, { maxRetriesPerRequest: null });
    // Refused connects while Redis restarts are expected; the admin client reconnects.
    admin.on('error', () => undefined);
    provider = await startFaultServer();
    // Watchers poll rarely: only the shared tier can bring a missed change. A generous command
    // timeout, as in converge.test.ts: a loaded machine's slow replies must not read as a stall.
    env = { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: uniquePrefix('faults'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', ...WEBHOOK_ENV, WATCHER_POLL_MIN_MS: '60000', WATCHER_POLL_MAX_MS: '60000' };
    replicas = [await start(), await start(), await start()];
    await until(() => replicas.every(redisUp));
  });
  afterAll(async () => {
    proxy?.resume();
    for (const h of replicas ?? []) await h.app.live.endAll();
    for (const h of replicas ?? []) await h.close();
    admin?.disconnect();
    await proxy?.close();
    await provider?.close();
    await own?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs one schedule and checks its outcome (fast-check calls it with the steps it draws). */
  const runSchedule = async (steps: Step[]) => {
    const id = freshId();
    const msgIds = [freshMsgId(0), freshMsgId(1)] as const;
    const msgId = msgIds[0];
    provider.script(id, listedSent(msgId));
    const subscribe = (h: Harness) => subscribeSse(h, { refs: [{ provider: 'D7', id }] }, {}, SUBSCRIPTION);
    const subs: Collected[] = replicas.map(subscribe);
    // Per message: the GET lists message 0 as sent; message 1 only the webhooks know.
    const accepted: number[][] = [[0], []];
    const answers: number[] = [];
    try {
      for (const sub of subs) await sub.waitFor(1);
      const base = Date.now();
      type Sent = { replica: number; message: number; status: number; offsetMs: number };
      const refused: Sent[] = [];
      const send = async ({ replica, message, status, offsetMs }: Sent) => {
        const answer = await postWebhook(replicas[replica]!, d7Path(), d7Event(id, msgIds[message]!, STATUSES[status]!, base + offsetMs));
        answers.push(answer.status);
        // 202 is a promise; 503 asks the provider to send it again, as it does once the faults heal.
        expect([202, 503]).toContain(answer.status);
        if (answer.status === 202) accepted[message]!.push(status);
        else refused.push({ replica, message, status, offsetMs });
      };
      for (const s of steps) {
        switch (s.kind) {
          case 'webhook':
            await send(s);
            break;
          case 'pubsub-drop':
            await admin.client('KILL', 'TYPE', 'pubsub');
            break;
          case 'stall': {
            proxy.stall();
            const answered = send(s);
            // Awaited below, after the stall: a failure meanwhile is not an unhandled rejection.
            answered.catch(() => undefined);
            await sleep(s.ms);
            proxy.resume();
            await answered;
            break;
          }
          case 'redis-restart':
            await own.stop();
            await own.start();
            break;
          case 'replica-replaced': {
            // Its subscribers go with it; a client would subscribe again on the replica that replaces it.
            const gone = replicas[s.replica]!;
            await subs[s.replica]!.close();
            await gone.close();
            replicas[s.replica] = await start();
            await until(() => redisUp(replicas[s.replica]!), 10_000);
            subs[s.replica] = subscribe(replicas[s.replica]!);
            await subs[s.replica]!.waitFor(1);
            break;
          }
          case 'provider':
            provider.script(id, s.failing ? failing : listedSent(msgId));
            break;
        }
      }
      // The faults heal.
      proxy.resume();
      provider.script(id, listedSent(msgId));
      await until(() => replicas.every(redisUp), 15_000);
      // The provider redelivers what was refused (a replica that answered may since have been replaced).
      for (const sent of refused.splice(0)) {
        await until(async () => {
          await send(sent);
          return refused.splice(0).length === 0;
        }, 15_000);
      }

      // The newest accepted state of each message; a message no webhook was accepted for, and the GET does not list, is absent.
      const newest = accepted.map((statuses) => (statuses.length ? STATUSES[Math.max(...statuses)]!.toUpperCase() : undefined));
      const states = (messages: { msgId: string; state: string }[] | undefined) => msgIds.map((m) => messages?.find((x) => x.msgId === m)?.state);
      for (const [i, sub] of subs.entries()) {
        const last = () => states((sub.results.at(-1)?.data as Change | undefined)?.messageStatusChanged.messages);
        // A subscription completes once every message it knows is final (READ): a message the
        // provider lists later is not sent to it (FAULT_RUNS=40 found [READ on message 0 during a
        // stall, then a webhook for message 1]). Such a subscriber is no longer live; what it
        // showed must still be what was accepted for the messages it knew.
        let ended = false;
        void sub.ended.then(() => (ended = true));
        const done = () => ended && last().every((state, m) => state === undefined || state === newest[m]) && last().some((state) => state === 'READ');
        await until(() => JSON.stringify(last()) === JSON.stringify(newest) || done(), 10_000).catch(() => {
          throw new Error(`subscriber on replica ${i} ended at ${JSON.stringify(last())}, not ${JSON.stringify(newest)} (answers ${answers.join(',')})`);
        });
      }
      // A fresh lookup on each replica ends there too, once the faults have healed: pub/sub is
      // subscribed again on every replica (a drop at the end of a schedule resumes only now) and
      // what it missed has been read back from Redis, which takes a round trip after resuming.
      await until(async () => (await Promise.all(replicas.map(async (h) => sample(await (await h.get('/metrics')).text(), 'redis_pubsub_up')))).every((up) => up === 1), 15_000);
      for (const [i, h] of replicas.entries()) {
        let last: unknown;
        const converged = async () => {
          const found = await h.query<{ d7Report: { messages: { msgId: string; state: string }[] } | null }>(
            `query($id: ID!) { d7Report(requestId: $id) { messages { msgId state } } }`,
            { id },
          );
          expect(found.errors, `lookup on replica ${i}`).toBeUndefined();
          last = states(found.data?.d7Report?.messages);
          return JSON.stringify(last) === JSON.stringify(newest);
        };
        await until(converged, 5_000).catch(() => {
          throw new Error(`lookup on replica ${i} ended at ${JSON.stringify(last)}, not ${JSON.stringify(newest)} (answers ${answers.join(',')})`);
        });
      }
    } finally {
      proxy.resume();
      await Promise.all(subs.map((sub) => sub.close()));
    }
  };

  it('property: every live subscriber on every replica, and a fresh lookup on each, ends at the newest state accepted', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), runSchedule), {
      numRuns: Number(process.env.FAULT_RUNS ?? 5),
      // A schedule an earlier run shrank to, always tried: a report gone final on one message before a webhook for another.
      examples: [[[{ kind: 'stall', ms: 100, replica: 0, message: 0, status: 2, offsetMs: 0 }, { kind: 'webhook', replica: 0, message: 1, status: 0, offsetMs: 0 }]]],
    });
  }, 240_000);

  // Found by this property (FAULT_RUNS=40): Redis restarted (nothing lost, append-only), then
  // DELIVERED posted to replica 0 while its connection is still down: answered 503, applied there,
  // its status event lost; the redelivery's 202 found nothing new to announce, so replica 1 stayed
  // at SENT. An owed change is now announced to the other replicas when it lands.
  it('a change whose status event was lost while Redis was away is announced when its owed write lands', async () => {
    await runSchedule([{ kind: 'redis-restart' }, { kind: 'stall', ms: 100, replica: 0, message: 0, status: 1, offsetMs: 0 }]);
  }, 60_000);

  // Shrunk by the property in a CI run (Node 24, seed -635922661): with a pub/sub drop last, the
  // lookups ran before pub/sub had resumed and the missed change was read back (replicas 0 and 2 had
  // not heard of message 1 yet: [READ] without it). Redis held both; the check now waits for the faults to heal.
  it('a Redis restart, a webhook on each of two replicas, one replaced and a pub/sub drop last: every lookup ends at both messages', async () => {
    await runSchedule([
      { kind: 'redis-restart' },
      { kind: 'stall', ms: 100, replica: 1, message: 1, status: 0, offsetMs: 0 },
      { kind: 'webhook', replica: 0, message: 0, status: 2, offsetMs: 0 },
      { kind: 'replica-replaced', replica: 1 },
      { kind: 'pubsub-drop' },
      { kind: 'provider', failing: false },
    ]);
  }, 60_000);
});
