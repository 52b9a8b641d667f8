import { Agent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventStreamReader } from '../../src/subscriptions/event-stream-reader.js';
import { BETATEL_SANDBOX } from '../../src/providers/betatel/simulator.js';
import { FULL_ACCESS_ENV, FULL_ACCESS_KEY } from '../helpers/auth.js';
import { freshD7Id, startFaultServer, type Fault, type FaultServer } from '../helpers/fault-server.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { STATUS_CHANGED } from '../helpers/live.js';
import { capturingLogger, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { startReplica, type ReplicaProcess } from '../helpers/replica-process.js';
import { betatelPath, D7_TOKEN, d7Event, d7Path, postWebhook, sleep, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 23 item 1, with REDIS_URL: the change in an accepted webhook is in Redis before the 202,
// so no replica's death loses it; when Redis cannot take it, the provider is asked to send it again.

// One connection per request to the replica processes: a socket kept alive to a replica that is
// then killed or restarted is not what these tests are about.
const fresh = new Agent({ pipelining: 0 });

let serial = 0;
const freshMsgId = () => `6d29d646-4e09-11ee-84f5-${String(++serial).padStart(12, '0')}`;
const REPORT = `query Report($id: ID!) { d7Report(requestId: $id) { state messages { msgId status state } } }`;

/** D7's (lagging) answer once it lists the message, after `delayMs`. */
const listed = (msgId: string, status: string, delayMs?: number): Fault => ({ kind: 'report', messages: [{ msg_id: msgId, status }], delayMs });

async function reportOf(base: string, id: string): Promise<{ state: string; messages: { msgId: string; status: string }[] } | null> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': FULL_ACCESS_KEY },
    body: JSON.stringify({ query: REPORT, variables: { id } }),
    dispatcher: fresh,
  });
  const body = (await res.json()) as { data?: { d7Report: never }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!.d7Report;
}

/** The first answer a new subscriber (GraphQL over SSE) to `id` gets from the replica at `base`. */
async function subscriberSees(base: string, id: string): Promise<{ state: string }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': FULL_ACCESS_KEY },
    body: JSON.stringify({ query: STATUS_CHANGED, variables: { refs: [{ provider: 'D7', id }] } }),
    signal: controller.signal,
    dispatcher: fresh,
  });
  const reader = new EventStreamReader(res.body as ReadableStream<Uint8Array>, 1 << 20);
  try {
    for await (const event of reader) {
      if (event.event === 'next') return (JSON.parse(event.data) as { data: { messageStatusChanged: { state: string } } }).data.messageStatusChanged;
    }
    throw new Error('the subscription ended without an event');
  } finally {
    controller.abort();
  }
}

const postTo = (base: string, body: unknown) =>
  fetch(`${base}${d7Path()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), dispatcher: fresh });

describe('replicas as processes on their own Redis', () => {
  let own: OwnRedis;
  let fault: FaultServer;
  let env: Record<string, string>;
  const replicas: ReplicaProcess[] = [];
  /** A replica, once its Redis connection is up: before, it answers from its own cache and the provider, as one process alone does. */
  const start = async () => {
    const replica = await startReplica(env);
    replicas.push(replica);
    const redisUp = () =>
      fetch(`${replica.base}/health`, { dispatcher: fresh })
        .then((res) => res.json() as Promise<{ redis?: string }>)
        .then((body) => body.redis === 'up');
    await until(redisUp, 10_000);
    return replica;
  };

  beforeAll(async () => {
    own = await startOwnRedis();
    fault = await startFaultServer();
    env = {
      PROVIDER_MODE: 'live',
      D7_API_TOKEN: 'test-d7-api-token',
      D7_BASE_URL: fault.url,
      D7_WEBHOOK_TOKEN: D7_TOKEN,
      REDIS_URL: own.url,
      REDIS_KEY_PREFIX: uniquePrefix('kept'),
      // A loaded machine's slow reply is not an outage here.
      REDIS_COMMAND_TIMEOUT_MS: '2000',
      ...FULL_ACCESS_ENV,
      RATE_LIMIT_PER_MINUTE: '0',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
      RETRY_MAX: '0',
      LOG_LEVEL: 'warn',
    };
  });
  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.kill();
  });
  afterAll(async () => {
    await fault.close();
    await own.stop();
  });

  it('a replica SIGKILLed 200 ms after its 202, its 2 s GET of the report in flight, loses nothing: the other replica and the restarted one show the change, and a survivor completes the report', async () => {
    let a = await start();
    const b = await start();
    const events: { id: string; msgId: string }[] = [];
    for (let round = 0; round < 3; round++) {
      const id = freshD7Id();
      const msgId = freshMsgId();
      events.push({ id, msgId });
      fault.script(id, listed(msgId, 'sent', 2_000));
      const accepted = await postTo(a.base, d7Event(id, msgId, 'delivered', Date.now()));
      expect(accepted.status).toBe(202);
      await sleep(200);
      expect(fault.hits(id)).toBe(1);
      await a.kill();

      expect(await reportOf(b.base, id)).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered' }] });
      expect(await subscriberSees(b.base, id)).toMatchObject({ state: 'DELIVERED' });
      a = await start();
      expect(await reportOf(a.base, id)).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered' }] });
    }

    // The GETs the killed replicas had under way are taken over by the living ones, retried while
    // D7 lags, and end once D7 shows each event.
    for (const { id } of events) await until(() => fault.hits(id) >= 2, 15_000);
    for (const { id, msgId } of events) fault.script(id, listed(msgId, 'delivered'));
    // Longer than the longest wait between two GETs of one record (CACHE_TTL_MOVING_MS, 5 s) and a claim's tick.
    await sleep(8_000);
    const hits = events.map(({ id }) => fault.hits(id));
    await sleep(5_000);
    expect(events.map(({ id }) => fault.hits(id))).toEqual(hits);
    for (const { id, msgId } of events) expect(await reportOf(b.base, id)).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered' }] });
  }, 120_000);
});

describe('when Redis cannot take the change', () => {
  let own: OwnRedis;
  let fault: FaultServer;
  let replicas: Harness[];
  const log = capturingLogger('warn');

  beforeAll(async () => {
    own = await startOwnRedis();
    fault = await startFaultServer();
    const env = { ...WEBHOOK_ENV, REDIS_URL: own.url, REDIS_KEY_PREFIX: uniquePrefix('kept-down'), REDIS_COMMAND_TIMEOUT_MS: '2000', WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', RETRY_MAX: '0' };
    replicas = [
      await startHarness({ env, baseUrls: { D7: fault.url }, deps: { logger: log.logger } }),
      await startHarness({ env, baseUrls: { D7: fault.url } }),
    ];
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
  });
  afterAll(async () => {
    for (const h of replicas) await h.close();
    await fault.close();
    await own.stop();
  });

  it('an event is applied in the process that received it, answered 503 with Retry-After and logged; its redelivery once Redis is back reaches every replica', async () => {
    const [first, second] = replicas as [Harness, Harness];
    const id = freshD7Id();
    const msgId = freshMsgId();
    fault.script(id, { kind: 'status', status: 404 });
    const event = d7Event(id, msgId, 'delivered', Date.now());

    await own.stop();
    await until(() => first.app.sharedState?.connection.state !== 'up');
    const refused = await postWebhook(first, d7Path(), event);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'NOT_STORED' });
    expect(log.lines.some((l) => l.msg === 'webhook refused' && l.outcome === 'not_stored' && l.status === 503)).toBe(true);
    const local = await first.query<{ d7Report: { state: string } }>(REPORT, { id });
    expect(local.data?.d7Report).toMatchObject({ state: 'DELIVERED' });

    await own.start();
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'), 10_000);
    // Not taken for a duplicate: it was not stored as promised.
    expect(await (await postWebhook(first, d7Path(), event)).json()).toEqual({ status: 'accepted' });
    const elsewhere = await second.query<{ d7Report: { state: string } }>(REPORT, { id });
    expect(elsewhere.data?.d7Report).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered' }] });
  }, 30_000);

  it('a Betatel record is refused the same way while Redis is down, and applied here', async () => {
    const [first] = replicas as [Harness];
    const uuid = BETATEL_SANDBOX.example;
    await own.stop();
    await until(() => first.app.sharedState?.connection.state !== 'up');
    const wdr = { uuid, wam_id: null, to: '38761444555', text: null, status: 'READ', timestamp: new Date().toISOString(), delivery_timestamp: null, delivery_time: null, webhook_delivered: true };
    const refused = await postWebhook(first, betatelPath(), wdr);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'NOT_STORED' });
    expect(first.app.service.known('BETATEL', uuid)).toMatchObject({ state: 'READ' });
    await own.start();
    await until(() => first.app.sharedState?.connection.state === 'up', 10_000);
  }, 30_000);
});
