import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BetatelWdrDetails } from '../../../src/providers/betatel/normalize.js';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { uuidFrom } from '../../../src/sandbox/simulator-kit.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';
import { capturingLogger } from '../../helpers/redis.js';
import { appliedCount, BETATEL_TOKEN, betatelPath, D7_TOKEN, d7Event, d7Path, metricsText, postWebhook, receivedCount, sleep, until, WEBHOOK_ENV } from '../../helpers/webhooks.js';

// What one webhook sender can make the service hold or spend (issue "Bounded by construction"):
// messages per report, string lengths, cache bytes, upstream fetches and log lines.

let serial = 0;
const freshD7Id = () => `5eb00000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;
const freshMsgId = () => `6d29d646-4e09-11ee-84f4-${String(++serial).padStart(12, '0')}`;
const freshUlid = () => `01JV5V54KPYK9GB2927${String(++serial).padStart(7, '0')}`;
const generatedMsgId = (requestId: string, index: number) => uuidFrom(`${requestId}:${index}`, 1);
const REPORT = `query ($id: ID!) { d7Report(requestId: $id) { state messages { msgId status } } }`;

/** Sends `bodies` in concurrent groups; the answers' statuses, in order. */
async function sendAll(h: Harness, path: string, bodies: unknown[], group = 100): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < bodies.length; i += group) {
    const answers = await Promise.all(bodies.slice(i, i + group).map((b) => postWebhook(h, path, b)));
    for (const a of answers) statuses.push(a.status);
    // In process nothing else runs meanwhile: let the accepted events apply, as they would between requests off a network.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return statuses;
}

async function settled(h: Harness, accepted: number): Promise<void> {
  await until(async () => (await appliedCount(h)) >= accepted, 20_000, `${accepted} applied events`);
}

describe('a webhook sender cannot grow a report without limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', UNCONFIRMED_MESSAGE_TTL_MS: '1000', CACHE_TTL_MOVING_MS: '0', CACHE_TTL_FINAL_MS: '0' },
    });
  });
  afterAll(() => h.close());

  it('2,500 events with new msg_ids grow a report by at most MAX_UNCONFIRMED_MESSAGES_PER_REPORT (20), and the held ones expire', async () => {
    const id = freshD7Id();
    const listed = (await h.query<{ d7Report: { messages: unknown[] } }>(REPORT, { id })).data!.d7Report.messages.length;
    const before = await appliedCount(h);
    const statuses = await sendAll(
      h,
      d7Path(),
      Array.from({ length: 2_500 }, () => d7Event(id, freshMsgId(), 'delivered', Date.now(), { cust_ref: 'r'.repeat(256) })),
    );
    // Refused once the report holds its 20 (429 with Retry-After: the provider may retry), else accepted.
    expect(new Set(statuses)).toEqual(new Set([202, 429]));
    await settled(h, before + statuses.filter((s) => s === 202).length);
    const known = h.app.service.known('D7', id) as D7Record;
    expect(known.details.messages.length).toBeLessThanOrEqual(listed + 20);
    expect(known.details.messages.filter((m) => m.unconfirmedSince !== null).length).toBeLessThanOrEqual(20);
    expect(await receivedCount(h, { provider: 'D7', outcome: 'unconfirmed_full' })).toBeGreaterThan(0);

    // The provider's GET never lists them: after UNCONFIRMED_MESSAGE_TTL_MS they are gone.
    await sleep(1_050);
    const after = await h.query<{ d7Report: { messages: unknown[] } }>(REPORT, { id });
    expect(after.data!.d7Report.messages).toHaveLength(listed);
    expect((h.app.service.known('D7', id) as D7Record).details.messages.every((m) => m.unconfirmedSince === null)).toBe(true);
  });

  it('a 60 KB cust_ref is refused with 422 naming the field, and nothing is stored', async () => {
    const id = freshD7Id();
    await h.query(REPORT, { id });
    const known = h.app.service.known('D7', id);
    h.resetCounts();
    const res = await postWebhook(h, d7Path(), d7Event(id, freshMsgId(), 'read', Date.now(), { cust_ref: 'x'.repeat(60 * 1024) }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'cust_ref is longer than 256 characters', code: 'TOO_LONG' });
    // And Betatel's message text past WhatsApp's 4,096 characters.
    const wdr = await postWebhook(h, betatelPath(), { uuid: freshUlid(), status: 'READ', text: 'x'.repeat(4_097) });
    expect(wdr.status).toBe(422);
    expect(await wdr.json()).toEqual({ error: 'text is longer than 4096 characters', code: 'TOO_LONG' });
    await sleep(20);
    expect(h.app.service.known('D7', id)).toBe(known);
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('a held message the provider confirms is kept', () => {
  let h: Harness;
  beforeAll(async () => {
    // One fetch a minute: the event below finds the budget spent and is held without one.
    h = await startHarness({
      env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', WEBHOOK_FETCHES_PER_MINUTE: '1', UNCONFIRMED_MESSAGE_TTL_MS: '1000', CACHE_TTL_MOVING_MS: '0', CACHE_TTL_FINAL_MS: '0' },
    });
  });
  afterAll(() => h.close());

  it('an event the budget cannot fetch for is held by itself, confirmed by the next GET, and survives its lifetime', async () => {
    h.resetCounts();
    const spend = freshD7Id();
    expect((await postWebhook(h, d7Path(), d7Event(spend, generatedMsgId(spend, 0), 'sent', Date.now()))).status).toBe(202);
    // Its GET spends the one fetch of the minute.
    await until(() => h.simulator('D7').requests.includes(spend));
    const skipped = async () => sample(await metricsText(h), 'webhook_fetches_skipped_total', { provider: 'D7' });
    const skippedBefore = await skipped();
    const keptBefore = await appliedCount(h, { provider: 'D7', result: 'kept' });

    const id = freshD7Id();
    const msgId = generatedMsgId(id, 0);
    expect((await postWebhook(h, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
    expect(await appliedCount(h, { provider: 'D7', result: 'kept' })).toBe(keptBefore + 1);
    await until(async () => (await skipped()) > skippedBefore);
    expect(h.simulator('D7').requests).not.toContain(id);
    expect((h.app.service.known('D7', id) as D7Record).details.messages).toMatchObject([{ msgId, state: 'DELIVERED' }]);

    // A query: the GET lists the message (the sandbox generates it), which is then confirmed.
    const answer = await h.query<{ d7Report: { messages: { msgId: string }[] } }>(REPORT, { id });
    expect(answer.data!.d7Report.messages.map((m) => m.msgId)).toContain(msgId);
    expect((h.app.service.known('D7', id) as D7Record).details.messages.find((m) => m.msgId === msgId)?.unconfirmedSince).toBeNull();
    await sleep(1_050);
    const later = await h.query<{ d7Report: { messages: { msgId: string }[] } }>(REPORT, { id });
    expect(later.data!.d7Report.messages.map((m) => m.msgId)).toContain(msgId);
  });
});

describe('upstream calls caused by webhooks are budgeted', () => {
  const BUDGET = 50;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', WEBHOOK_FETCHES_PER_MINUTE: String(BUDGET) } });
  });
  afterAll(() => h.close());

  it('300 D7 events naming 100 unknown reports make at most the budget of GETs, one per id, and every event is kept', async () => {
    h.resetCounts();
    const ids = Array.from({ length: 100 }, freshD7Id);
    const before = await appliedCount(h);
    const bodies = ids.flatMap((id) => [0, 1, 2].map(() => d7Event(id, freshMsgId(), 'delivered', Date.now())));
    const statuses = await Promise.all(bodies.map((b) => postWebhook(h, d7Path(), b).then((r) => r.status)));
    expect(statuses.every((s) => s === 202)).toBe(true);
    await settled(h, before + 300);
    // Their GETs are tried after the answers: until the budget is spent.
    await until(async () => sample(await metricsText(h), 'webhook_fetches_skipped_total', { provider: 'D7' }) > 0, 5_000, 'a GET past the budget');
    // The budget refills at BUDGET a minute: a few more may come due while the test runs.
    expect(h.simulator('D7').requests.length).toBeLessThanOrEqual(BUDGET + 3);
    expect(new Set(h.simulator('D7').requests).size).toBe(h.simulator('D7').requests.length);
    expect(sample(await metricsText(h), 'webhook_fetches_skipped_total', { provider: 'D7' })).toBeGreaterThan(0);
    // Nothing lost: every report holds its three events' messages.
    for (const id of ids) {
      const known = h.app.service.known('D7', id) as D7Record;
      expect(known.details.messages.filter((m) => m.unconfirmedSince !== null)).toHaveLength(3);
    }
  });

  it('300 Betatel hints naming 300 unknown records make at most the budget of GETs', async () => {
    h.resetCounts();
    const before = await appliedCount(h);
    const statuses = await Promise.all(Array.from({ length: 300 }, () => postWebhook(h, betatelPath(), { uuid: freshUlid() }).then((r) => r.status)));
    expect(statuses.every((s) => s === 202)).toBe(true);
    await settled(h, before + 300);
    expect(h.simulator('BETATEL').requests.length).toBeLessThanOrEqual(BUDGET + 3);
    expect(await appliedCount(h, { provider: 'BETATEL', result: 'deferred' })).toBeGreaterThan(0);
  });
});

describe('the status cache is bounded in bytes', () => {
  const MAX_BYTES = 65_536;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', CACHE_MAX_BYTES: String(MAX_BYTES) } });
  });
  afterAll(() => h.close());

  it('stays under CACHE_MAX_BYTES under many big records, keeping the newest', async () => {
    const uuids = Array.from({ length: 200 }, freshUlid);
    const before = await appliedCount(h);
    await sendAll(h, betatelPath(), uuids.map((uuid) => ({ uuid, status: 'DELIVERED', text: 't'.repeat(4_096), to: '3'.repeat(256), wam_id: 'w'.repeat(256) })), 20);
    await settled(h, before + 200);
    const usage = h.app.service.cacheUsage;
    expect(usage.bytes).toBeGreaterThan(0);
    expect(usage.bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(usage.entries).toBeLessThan(200);
    expect((h.app.service.known('BETATEL', uuids.at(-1)!)?.details as BetatelWdrDetails).text).toHaveLength(4_096);
  });
});

describe('refused webhooks write bounded log lines', () => {
  const { logger, lines } = capturingLogger();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0' }, deps: { logger } });
  });
  afterAll(() => h.close());

  it('8,000 guessed tokens write one line per provider and outcome (a minute); the metric counts each', async () => {
    const guesses = Array.from({ length: 8_000 }, (_, i) => `guess-${String(i).padStart(24, '0')}`);
    for (let i = 0; i < guesses.length; i += 200) {
      await Promise.all(guesses.slice(i, i + 200).map((g, j) => postWebhook(h, (i + j) % 2 ? d7Path(g) : betatelPath(g), {})));
    }
    const refused = lines.filter((l) => l.msg === 'webhook refused');
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(refused).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'D7', outcome: 'unauthorized' }), expect.objectContaining({ provider: 'BETATEL', outcome: 'unauthorized' })]),
    );
    expect(await receivedCount(h, { outcome: 'unauthorized' })).toBe(8_000);
    expect(JSON.stringify(lines)).not.toContain(D7_TOKEN);
    expect(JSON.stringify(lines)).not.toContain(BETATEL_TOKEN);
  });
});
