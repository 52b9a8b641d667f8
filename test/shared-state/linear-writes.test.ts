import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkMsgId, startBulkD7, type BulkD7 } from '../helpers/bulk-d7.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { subscribeSse } from '../helpers/live.js';
import { sample } from '../helpers/prometheus.js';
import { startOwnRedis, uniquePrefix, until, type OwnRedis } from '../helpers/redis.js';
import { appliedCount, d7Event, d7Path, metricsText, postWebhook, WEBHOOK_ENV } from '../helpers/webhooks.js';

// Issue 23 item 4: a change to one message of a many-recipient D7 report used to send the whole
// report to Redis twice (the compare-and-set write, and the status event every replica hears),
// so Redis traffic grew with the square of the report's size (250 recipients x 3 events: 0.55 GB
// into Redis). Shared writes and status events now carry what changed.

let counter = 0;
const freshId = () => `00000000-0000-4000-a023-${String(++counter).padStart(12, '0')}`;
const STATUSES = ['sent', 'delivered', 'read'] as const;
type Stored = { messages: { msgId: string; state: string }[] };

describe('three replicas on their own Redis, webhooks about many-recipient reports', () => {
  let own: OwnRedis;
  let admin: Redis;
  let bulk: BulkD7;
  let replicas: Harness[];
  /** Bytes into and out of Redis per change (one webhook event), by report size. */
  const perChange = new Map<number, { input: number; output: number }>();

  beforeAll(async () => {
    own = await startOwnRedis();
    admin = new Redis(own.url);
    bulk = await startBulkD7();
    // Entries and answers outlive the test (a moving state is kept 5 s by default), so every
    // byte measured is a change's; the webhook rate limit would refuse this many events.
    const env = {
      REDIS_URL: own.url,
      REDIS_KEY_PREFIX: uniquePrefix('linear'),
      REDIS_COMMAND_TIMEOUT_MS: '2000',
      RATE_LIMIT_PER_MINUTE: '0',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
      CACHE_TTL_MOVING_MS: '120000',
      ...WEBHOOK_ENV,
    };
    replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await startHarness({ env, baseUrls: { D7: bulk.url } }));
    await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
  });
  afterAll(async () => {
    for (const h of replicas) await h.close();
    await bulk.close();
    admin.disconnect();
    await own.stop();
  });

  const netBytes = async () => {
    const info = await admin.info('stats');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
    return { input: field('total_net_input_bytes'), output: field('total_net_output_bytes') };
  };
  const applied = async () => (await Promise.all(replicas.map((h) => appliedCount(h)))).reduce((a, b) => a + b, 0);
  const storedStates = async (id: string) => ((await replicas[0]!.app.sharedState!.cache.read(`D7:${id}`))?.record?.details as Stored | undefined)?.messages.map((m) => m.state);

  it.each([50, 200])('%i recipients x 3 events over three replicas: the shared entry ends at every event, at bytes per change that do not grow with the report', async (recipients) => {
    const id = freshId();
    bulk.report(id, recipients);
    // Every replica knows the report (one upstream call, the others read it from Redis).
    for (const h of replicas) expect((await h.query(`query($id: ID!) { d7Report(requestId: $id) { requestId } }`, { id })).status).toBe(200);
    expect(bulk.hits(id)).toBe(1);
    await until(async () => (await storedStates(id))?.length === recipients);

    const before = await netBytes();
    const appliedBefore = await applied();
    const t0 = Date.now() - 60_000;
    // Each status for every recipient, 24 events at a time, the events about one message on different replicas.
    for (const [s, status] of STATUSES.entries()) {
      for (let start = 0; start < recipients; start += 24) {
        const batch = Array.from({ length: Math.min(24, recipients - start) }, (_, k) => start + k);
        const answers = await Promise.all(batch.map((i) => postWebhook(replicas[(i + s) % 3]!, d7Path(), d7Event(id, bulkMsgId(id, i), status, t0 + s * 10_000 + i))));
        expect(answers.map((a) => a.status)).toEqual(batch.map(() => 202));
      }
    }
    await until(async () => (await applied()) >= appliedBefore + 3 * recipients, 30_000);
    // The Redis entry ends at every event: each message read (measured first, whatever it ends at).
    const allRead = async () => (await storedStates(id))?.every((state) => state === 'READ') === true;
    await until(allRead, 10_000).catch(() => undefined);
    const after = await netBytes();
    const changes = 3 * recipients;
    perChange.set(recipients, { input: (after.input - before.input) / changes, output: (after.output - before.output) / changes });
    expect((await storedStates(id))?.filter((state) => state !== 'READ')).toEqual([]);
    // And every replica serves it.
    for (const h of replicas) {
      const answer = await h.query<{ d7Report: { state: string; messages: { state: string }[] } }>(`query($id: ID!) { d7Report(requestId: $id) { state messages { state } } }`, { id });
      expect(answer.data?.d7Report.state).toBe('READ');
      expect(answer.data?.d7Report.messages).toHaveLength(recipients);
    }
  }, 90_000);

  it('Redis bytes per change at 200 recipients are less than twice those at 50 (linear traffic, not quadratic: 4x), and a few KB', () => {
    const [small, large] = [perChange.get(50)!, perChange.get(200)!];
    expect(small && large).toBeTruthy();
    const ratio = { input: large.input / small.input, output: large.output / small.output };
    const figures = `bytes per change into / out of Redis: 50 recipients ${Math.round(small.input)} / ${Math.round(small.output)}, 200 recipients ${Math.round(large.input)} / ${Math.round(large.output)}`;
    expect(ratio.input, figures).toBeLessThan(2);
    expect(ratio.output, figures).toBeLessThan(2);
    // One message is about 450 bytes of JSON; the write and the status event carry it with the
    // report's head, and every replica hears the event (the whole report of 50 was 23 KB).
    for (const { input, output } of [small, large]) {
      expect(input, figures).toBeLessThan(8_000);
      expect(output, figures).toBeLessThan(12_000);
    }
  });
});

describe('a status event carries what changed, and a replica that lost the record it merges into reads the entry', () => {
  let own: OwnRedis;
  let bulk: BulkD7;
  let sender: Harness;
  let watcher: Harness;
  beforeAll(async () => {
    own = await startOwnRedis();
    bulk = await startBulkD7();
    // No watcher polls within the test: only the status event can bring the change.
    const env = { REDIS_URL: own.url, REDIS_KEY_PREFIX: uniquePrefix('evicted'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', WATCHER_POLL_MIN_MS: '60000', WATCHER_POLL_MAX_MS: '60000', ...WEBHOOK_ENV };
    sender = await startHarness({ env, baseUrls: { D7: bulk.url } });
    // A process cache of one entry: the next lookup of anything else drops the watched report.
    watcher = await startHarness({ env: { ...env, CACHE_MAX_ENTRIES: '1' }, baseUrls: { D7: bulk.url } });
    await until(() => [sender, watcher].every((h) => h.app.sharedState?.connection.state === 'up'));
  });
  afterAll(async () => {
    await watcher.app.live.endAll();
    for (const h of [sender, watcher]) await h.close();
    await bulk.close();
    await own.stop();
  });

  it('the subscriber on the other replica hears the delivery, with the whole report', async () => {
    const [id, other] = [freshId(), freshId()];
    bulk.report(id, 30);
    bulk.report(other, 2);
    const query = `subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ... on D7Report { state messages { msgId state } } } }`;
    type Change = { messageStatusChanged: { messages: { msgId: string; state: string }[] } };
    const sub = subscribeSse(watcher, { refs: [{ provider: 'D7', id }] }, {}, query);
    try {
      await sub.waitFor(1);
      await sender.query(`query($id: ID!) { d7Report(requestId: $id) { requestId } }`, { id });
      await watcher.query(`query($id: ID!) { d7Report(requestId: $id) { requestId } }`, { id: other });
      expect(watcher.app.service.known('D7', id)).toBeUndefined();
      const sent = await metricsText(sender);
      expect((await postWebhook(sender, d7Path(), d7Event(id, bulkMsgId(id, 5), 'read', Date.now()))).status).toBe(202);
      const [, second] = await sub.waitFor(2, 5_000);
      const messages = (second!.data as Change).messageStatusChanged.messages;
      expect(messages).toHaveLength(30);
      expect(messages.filter((m) => m.state === 'READ').map((m) => m.msgId)).toEqual([bulkMsgId(id, 5)]);
      // The event itself held one message, not 30.
      const eventBytes = sample(await metricsText(sender), 'redis_sent_bytes_total', { what: 'status_event' }) - sample(sent, 'redis_sent_bytes_total', { what: 'status_event' });
      expect(eventBytes).toBeGreaterThan(0);
      expect(eventBytes).toBeLessThan(2_000);
    } finally {
      await sub.close();
    }
  });
});
