import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { subscribeSse } from '../helpers/live.js';
import { startOwnRedis, testRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event, d7Path, postWebhook, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 15: several replicas behave as one service through Redis, and stopping Redis never costs an answer.

let counter = 0;
const freshId = () => `00000000-0000-4000-b000-${String(++counter).padStart(12, '0')}`;
const query = (h: Harness, id: string) => h.query<{ d7Report: { requestId: string; state: string } | null }>(`query($id: ID!) { d7Report(requestId: $id) { requestId state } }`, { id });

/** Three app instances on one Redis, all calling the first one's D7 simulator, so its request log counts every upstream call. */
async function replicasOn(url: string): Promise<Harness[]> {
  // A generous command timeout: on a loaded machine a slow reply would turn into the local
  // fallback (its own tests cover it), and this file is about what replicas share.
  const env = { REDIS_URL: url, REDIS_KEY_PREFIX: uniquePrefix('replicas'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', ...WEBHOOK_ENV, WATCHER_POLL_MIN_MS: '60000', WATCHER_POLL_MAX_MS: '60000' };
  const first = await startHarness({ env });
  const d7 = first.sandbox.simulators.D7!.url;
  const rest = [await startHarness({ env, baseUrls: { D7: d7 } }), await startHarness({ env, baseUrls: { D7: d7 } })];
  const all = [first, ...rest];
  await until(() => all.every((h) => h.app.sharedState?.connection.state === 'up'));
  return all;
}

describe('three replicas on one Redis', () => {
  let redis: { url: string; close(): Promise<void> };
  let replicas: Harness[];
  beforeAll(async () => {
    redis = await testRedis();
    replicas = await replicasOn(redis.url);
  });
  afterAll(async () => {
    for (const h of replicas) await h.app.live.endAll();
    for (const h of replicas) await h.close();
    await redis.close();
  });

  it('a webhook received by replica 1 reaches a subscriber on replica 3 within a second', async () => {
    const id = freshId();
    const query = `subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on D7Report { messages { msgId state } } } }`;
    type Change = { messageStatusChanged: { messages: { msgId: string; state: string }[] } };
    const sub = subscribeSse(replicas[2]!, { refs: [{ provider: 'D7', id }] }, {}, query);
    const [first] = await sub.waitFor(1);
    const msgId = (first!.data as Change).messageStatusChanged.messages[0]!.msgId;
    // Replica 1 knows the report from the shared tier, so the event patches it without a call.
    await query1(id);
    const posted = Date.now();
    expect((await postWebhook(replicas[0]!, d7Path(), d7Event(id, msgId, 'read', Date.now()))).status).toBe(202);
    const [, second] = await sub.waitFor(2, 2_000);
    expect(Date.now() - posted).toBeLessThan(1_000);
    expect((second!.data as Change).messageStatusChanged.messages.find((m) => m.msgId === msgId)?.state).toBe('READ');
    await sub.close();
    // Stored in the shared cache too: a replica that missed the event (or starts later) reads it there.
    await until(async () => (await replicas[1]!.app.sharedState!.cache.read(`D7:${id}`))?.record?.state === 'READ', 2_000);
  });
  const query1 = (id: string) => query(replicas[0]!, id);

  const upstream = (id: string) => replicas[0]!.simulator('D7').requests.filter((r) => r === id).length;

  it('300 concurrent lookups of one id spread over 3 replicas make 1 upstream call', async () => {
    const id = freshId();
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => query(replicas[i % 3]!, id)));
    expect(answers.every((a) => a.data?.d7Report?.requestId === id)).toBe(true);
    expect(upstream(id)).toBe(1);
  });

  it('an answer fetched by one replica is served by the others with no upstream call, and published once', async () => {
    const id = freshId();
    const published: string[] = [];
    const off = replicas[2]!.app.sharedState!.statusEvents.subscribe((event) => void (event.key === `D7:${id}` && published.push(event.key)), { includeOwn: true });
    const first = await query(replicas[0]!, id);
    const others = [await query(replicas[1]!, id), await query(replicas[2]!, id)];
    expect(others.map((a) => a.data?.d7Report)).toEqual([first.data?.d7Report, first.data?.d7Report]);
    expect(upstream(id)).toBe(1);
    // The replicas that learned it from the others (events, shared cache) do not publish it again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    off();
    expect(published).toHaveLength(1);
  });

  it('what one replica learns reaches the others through the events (their listeners hear it)', async () => {
    const id = freshId();
    const heard: string[] = [];
    const off = replicas[2]!.app.service.onChange((change) => {
      if (change.id === id) heard.push(change.record.state);
    });
    const answer = await query(replicas[0]!, id);
    await until(() => heard.length > 0);
    off();
    expect(heard).toEqual([answer.data!.d7Report!.state]);
    expect(replicas[2]!.app.service.known('D7', id)).toBeTruthy();
  });
});

describe('Redis stopped mid-run', () => {
  let own: OwnRedis;
  let replicas: Harness[];
  beforeAll(async () => {
    own = await startOwnRedis();
    replicas = await replicasOn(own.url);
  });
  afterAll(async () => {
    for (const h of replicas) await h.close();
    await own.stop().catch(() => undefined);
  });

  it('every request is still answered with data, no replica fails, and sharing resumes when Redis is back', async () => {
    const before = freshId();
    await Promise.all(replicas.map((h) => query(h, before)));
    await own.stop();
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'down'));
    const during = freshId();
    const answers = await Promise.all(replicas.map((h) => query(h, during)));
    expect(answers.map((a) => a.data?.d7Report?.requestId)).toEqual([during, during, during]);
    // Sharing is only local now: each replica calls for itself.
    expect(replicas[0]!.simulator('D7').requests.filter((r) => r === during).length).toBe(3);
    expect((await replicas[1]!.get('/health')).status).toBe(200);

    await own.start();
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'), 15_000);
    const after = freshId();
    await Promise.all(Array.from({ length: 30 }, (_, i) => query(replicas[i % 3]!, after)));
    expect(replicas[0]!.simulator('D7').requests.filter((r) => r === after).length).toBe(1);
  }, 40_000);
});
