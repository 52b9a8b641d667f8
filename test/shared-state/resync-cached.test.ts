import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { capturingLogger, startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event, d7Path, postWebhook, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 23, "replicas must converge whatever pub/sub does", for a message a replica only holds in
// its cache (looked up, nobody subscribed): a change published while its pub/sub connection was away
// is read back from Redis when it resumes, as for watched messages, not left to the cache's lifetime.

const ID = '00000000-0000-4000-b025-000000000001';
const lookup = (h: Harness) =>
  h.query<{ d7Report: { messages: { msgId: string; state: string }[] } | null }>(`query($id: ID!) { d7Report(requestId: $id) { messages { msgId state } } }`, { id: ID });

let own: OwnRedis;
let admin: Redis;
let replicas: Harness[];
const logs = [capturingLogger(), capturingLogger()];

beforeAll(async () => {
  own = await startOwnRedis();
  admin = new Redis(own.url);
  admin.on('error', () => undefined);
  // A cached answer lives 10 minutes: only the resync can bring the missed change within the test.
  const env = { REDIS_URL: own.url, REDIS_KEY_PREFIX: uniquePrefix('resync-cached'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', ...WEBHOOK_ENV, CACHE_TTL_MOVING_MS: '600000' };
  const first = await startHarness({ env, deps: { logger: logs[0]!.logger } });
  replicas = [first, await startHarness({ env, baseUrls: { D7: first.sandbox.simulators.D7!.url }, deps: { logger: logs[1]!.logger } })];
  await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
});
afterAll(async () => {
  for (const h of replicas) await h.close();
  admin.disconnect();
  await own.stop();
});

it('a change published while pub/sub was away reaches a replica that only caches the message, once pub/sub resumes', async () => {
  const before = await lookup(replicas[1]!);
  const msgId = before.data!.d7Report!.messages[0]!.msgId;
  expect(before.data!.d7Report!.messages[0]!.state).not.toBe('DELIVERED');
  expect(replicas[1]!.app.watchers.size).toBe(0);

  expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(2);
  expect((await postWebhook(replicas[0]!, d7Path(), d7Event(ID, msgId, 'delivered', Date.now()))).status).toBe(202);
  await until(() => logs[1]!.lines.some((l) => l.pubsub === 'up'), 5_000);

  let state: string | undefined;
  await until(async () => {
    state = (await lookup(replicas[1]!)).data?.d7Report?.messages.find((m) => m.msgId === msgId)?.state;
    return state === 'DELIVERED';
  }, 3_000).catch(() => {
    throw new Error(`replica 1 still answers ${state}`);
  });
});
