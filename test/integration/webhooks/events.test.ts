import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatusChange } from '../../../src/lookup/status-service.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { uuidFrom } from '../../../src/sandbox/simulator-kit.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { applied, appliedCount, betatelPath, d7Event, d7Path, postWebhook, receivedCount, sleep, until, WEBHOOK_ENV } from '../../helpers/webhooks.js';

interface Report {
  state: string;
  isFinal: boolean;
  messages: { msgId: string; status: string; state: string; reason: string | null; reference: { customerRef: string | null } | null }[];
}

const REPORT = `query Report($id: ID!) { d7Report(requestId: $id) { state isFinal messages { msgId status state reason reference { customerRef } } } }`;
const WDR = `query Wdr($uuid: ID!) { betatelWdr(uuid: $uuid) { state status } }`;

async function report(h: Harness, id: string): Promise<Report> {
  const res = await h.query<{ d7Report: Report }>(REPORT, { id });
  expect(res.errors).toBeUndefined();
  return res.data!.d7Report;
}

/** Message `index` of a generated D7 report (simulator.ts derives it from the request id). */
const generatedMsgId = (requestId: string, index: number) => uuidFrom(`${requestId}:${index}`, 1);
/** Distinct generated ids per test, so no test sees another's records. */
let serial = 0;
const freshD7Id = () => `5e000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;
const freshUlid = () => `01JV5V54KPYK9GB2926${String(++serial).padStart(7, '0')}`;

describe('webhook events update what the service knows', () => {
  let h: Harness;
  let changes: StatusChange[];
  let stop: () => void;
  beforeAll(async () => {
    h = await startHarness({ env: WEBHOOK_ENV });
  });
  afterAll(() => h.close());
  afterEach(() => stop());
  const listen = () => {
    changes = [];
    stop = h.app.service.onChange((change) => changes.push(change));
  };

  /** Posts D7 events one after another, each applied before the next is sent. */
  async function postInOrder(...bodies: ReturnType<typeof d7Event>[]) {
    for (const body of bodies) {
      const before = await appliedCount(h);
      const res = await postWebhook(h, d7Path(), body);
      expect(res.status).toBe(202);
      await applied(h, before + 1);
    }
  }

  it('patches the one message named by msg_id and aggregates the report again; the next query answers it without a GET', async () => {
    const before = await report(h, D7_SANDBOX.mixed);
    listen();
    expect(before.messages.map((m) => m.status)).toEqual(['read', 'delivered', 'not_reachable']);
    expect(before.state).toBe('UNKNOWN');
    h.resetCounts();

    const res = await postWebhook(h, d7Path(), d7Event(D7_SANDBOX.mixed, before.messages[2]!.msgId, 'read', Date.now()));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'accepted' });
    await applied(h, 1);

    const after = await report(h, D7_SANDBOX.mixed);
    expect(after.messages.map((m) => [m.status, m.state])).toEqual([
      ['read', 'READ'],
      ['delivered', 'DELIVERED'],
      ['read', 'READ'],
    ]);
    // Rule (5): every message reached the recipient, the least advanced wins.
    expect(after.state).toBe('DELIVERED');
    // The untouched messages keep what GET said; the patched one drops GET's reason for the old status.
    expect(after.messages[2]!.reason).toBeNull();
    expect(after.messages[0]!.reference?.customerRef).toBe(before.messages[0]!.reference?.customerRef);
    expect(h.simulator('D7').requests).toEqual([]);
    expect(changes.map((c) => c.record.state)).toEqual(['DELIVERED']);
  });

  it('applies the same event delivered twice once', async () => {
    const id = freshD7Id();
    await report(h, id);
    listen();
    const startApplied = await appliedCount(h);
    const startDuplicates = await receivedCount(h, { provider: 'D7', outcome: 'duplicate' });
    const event = d7Event(id, generatedMsgId(id, 0), 'sent', Date.now());
    const first = await postWebhook(h, d7Path(), event);
    const second = await postWebhook(h, d7Path(), event);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(await second.json()).toEqual({ status: 'duplicate' });
    await applied(h, startApplied + 1);
    await sleep(30);
    expect(await appliedCount(h)).toBe(startApplied + 1);
    expect(await receivedCount(h, { provider: 'D7', outcome: 'duplicate' })).toBe(startDuplicates + 1);
    expect(changes).toHaveLength(1);
    expect((await report(h, id)).messages[0]!.status).toBe('sent');
  });

  it('never moves backwards: a lower state after a higher one changes nothing, older or newer', async () => {
    const id = freshD7Id();
    const msgId = generatedMsgId(id, 0);
    await report(h, id);
    const t = Date.now();
    await sleep(20);
    await postInOrder(d7Event(id, msgId, 'read', t + 10));
    listen();
    await postInOrder(d7Event(id, msgId, 'delivered', t + 5), d7Event(id, msgId, 'sent', t + 15));
    expect(changes).toEqual([]);
    expect((await report(h, id)).messages[0]).toMatchObject({ status: 'read', state: 'READ' });
  });

  it('an event older (by provider timestamp) than what is known changes nothing, a newer one does', async () => {
    const id = freshD7Id();
    const msgId = generatedMsgId(id, 0);
    await report(h, id);
    const t = Date.now();
    await sleep(20);
    // Statuses this service cannot place (UNKNOWN) are ordered by time alone.
    await postInOrder(d7Event(id, msgId, 'not_reachable', t + 10));
    listen();
    await postInOrder(d7Event(id, msgId, 'carrier_queued', t + 5));
    expect(changes).toEqual([]);
    expect((await report(h, id)).messages[0]!.status).toBe('not_reachable');
    await postInOrder(d7Event(id, msgId, 'carrier_queued', t + 15));
    expect(changes).toHaveLength(1);
    expect((await report(h, id)).messages[0]!.status).toBe('carrier_queued');
  });

  it('a delivered after a failed is taken (another device); a failed after a delivered is not', async () => {
    const id = freshD7Id();
    const msgId = generatedMsgId(id, 0);
    await report(h, id);
    const t = Date.now();
    await sleep(20);
    await postInOrder(d7Event(id, msgId, 'un_delivered', t + 5));
    expect((await report(h, id)).messages[0]).toMatchObject({ status: 'un_delivered', state: 'FAILED' });
    await postInOrder(d7Event(id, msgId, 'delivered', t + 10));
    expect((await report(h, id)).messages[0]).toMatchObject({ status: 'delivered', state: 'DELIVERED' });
    await postInOrder(d7Event(id, msgId, 'un_delivered', t + 15));
    expect((await report(h, id)).messages[0]).toMatchObject({ status: 'delivered', state: 'DELIVERED' });
  });

  it('an event for a report nothing is known about is applied at once; one GET, shared by 20 concurrent events, completes the record', async () => {
    const id = freshD7Id();
    const msgId = generatedMsgId(id, 0);
    h.resetCounts();
    const t = Date.now() - 1_000;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postWebhook(h, d7Path(), d7Event(id, msgId, i % 2 ? 'delivered' : 'sent', t + i))));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect((h.app.service.known('D7', id) as D7Record).details.messages).toMatchObject([{ msgId, status: 'delivered', state: 'DELIVERED' }]);
    await until(() => (h.app.service.known('D7', id) as D7Record).details.requestStage !== null, 3_000, 'the GET that completes the record');
    expect(h.simulator('D7').requests).toEqual([id]);

    const known = await report(h, id);
    expect(h.simulator('D7').requests).toEqual([id]);
    expect(known.messages[0]).toMatchObject({ msgId, status: 'delivered', state: 'DELIVERED' });
    // Completed by the fetched record: the fields only GET has are there.
    expect(known.messages[0]!.reference?.customerRef).toBe(`sandbox-${id.slice(0, 8)}`);
  });

  it('answers 202 before the upstream fetch an unknown report needs has completed, with the event applied already', async () => {
    const slow = await startHarness({ env: WEBHOOK_ENV, simulator: { slowMs: 800 } });
    try {
      const id = D7_SANDBOX.slow;
      const started = Date.now();
      const res = await postWebhook(slow, d7Path(), d7Event(id, generatedMsgId(id, 0), 'delivered', Date.now()));
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(800);
      expect((slow.app.service.known('D7', id) as D7Record).details).toMatchObject({ requestStage: null, messages: [{ status: 'delivered', state: 'DELIVERED' }] });
      await until(() => (slow.app.service.known('D7', id) as D7Record).details.requestStage !== null, 3_000, 'the GET that completes the record');
      expect(slow.simulator('D7').requests).toEqual([id]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      expect((await report(slow, id)).messages[0]).toMatchObject({ status: 'delivered', state: 'DELIVERED' });
    } finally {
      await slow.close();
    }
  });

  it('an event for a message cached as not found fetches it again, and holds the event as an unconfirmed message when the provider still does not know it (its GET may lag)', async () => {
    const id = D7_SANDBOX.notFound;
    h.resetCounts();
    expect((await h.query<{ d7Report: null }>(REPORT, { id })).data?.d7Report).toBeNull();
    const before = await appliedCount(h, { provider: 'D7', result: 'kept' });
    const msgId = generatedMsgId(id, 0);
    expect((await postWebhook(h, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
    expect(await appliedCount(h, { provider: 'D7', result: 'kept' })).toBe(before + 1);
    // Other tests' kept events may be retried meanwhile: this id's GETs only.
    const gets = () => h.simulator('D7').requests.filter((r) => r === id);
    await until(() => gets().length === 2, 3_000, 'the GET of the report');
    expect(gets()).toEqual([id, id]);
    const held = h.app.service.known('D7', id) as D7Record;
    expect(held.details.messages).toHaveLength(1);
    expect(held.details.messages[0]).toMatchObject({ msgId, status: 'delivered', state: 'DELIVERED' });
    expect(held.details.messages[0]!.unconfirmedSince).toEqual(expect.any(Number));
  });

  it('an event whose fetch fails is held by itself (unconfirmed), not lost; its redelivery is a duplicate', async () => {
    const id = D7_SANDBOX.serverError;
    const keptBefore = await appliedCount(h, { provider: 'D7', result: 'kept' });
    const event = d7Event(id, generatedMsgId(id, 0), 'delivered', Date.now());
    expect((await postWebhook(h, d7Path(), event)).status).toBe(202);
    expect(await appliedCount(h, { provider: 'D7', result: 'kept' })).toBe(keptBefore + 1);
    expect((h.app.service.known('D7', id) as D7Record).details.messages[0]).toMatchObject({ state: 'DELIVERED' });
    const again = await postWebhook(h, d7Path(), event);
    expect(await again.json()).toEqual({ status: 'duplicate' });
  });

  it('takes a Betatel WDR record as it is, with no GET', async () => {
    const uuid = freshUlid();
    h.resetCounts();
    const res = await postWebhook(h, betatelPath(), { uuid, status: 'DELIVERED', to: '38761444555', webhook_delivered: true });
    expect(res.status).toBe(202);
    await until(() => h.app.service.known('BETATEL', uuid) !== undefined);
    const answer = await h.query<{ betatelWdr: { state: string; status: string } }>(WDR, { uuid });
    expect(answer.data?.betatelWdr).toEqual({ state: 'DELIVERED', status: 'DELIVERED' });
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });

  it('takes a Betatel body that is not a whole record as a hint: one GET of the record', async () => {
    h.resetCounts();
    const before = await appliedCount(h, { provider: 'BETATEL', result: 'fetched' });
    const res = await postWebhook(h, betatelPath(), { uuid: BETATEL_SANDBOX.example.toLowerCase(), event: 'status_changed' });
    expect(res.status).toBe(202);
    await until(async () => (await appliedCount(h, { provider: 'BETATEL', result: 'fetched' })) === before + 1);
    expect(h.simulator('BETATEL').requests).toEqual([BETATEL_SANDBOX.example]);
    const answer = await h.query<{ betatelWdr: { state: string } }>(WDR, { uuid: BETATEL_SANDBOX.example });
    expect(answer.data?.betatelWdr.state).toBe('DELIVERED');
    expect(h.simulator('BETATEL').requests).toHaveLength(1);
  });

  it('refuses a Betatel body naming no ULID with 400, fetching nothing', async () => {
    h.resetCounts();
    const res = await postWebhook(h, betatelPath(), { uuid: 'not-a-ulid', status: 'READ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: `the message id is not ${'a ULID (26 characters of Crockford base32) such as 01JV5V54KPYK9GB29265EQRZ2P'}`, code: 'INVALID' });
    await sleep(20);
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });
});

describe('a webhook is fresher than a lagging GET', () => {
  let clock = Date.now();
  let h: Harness;
  beforeAll(async () => {
    // No cache lifetime for moving states: every query goes to the provider.
    h = await startHarness({ env: { ...WEBHOOK_ENV, CACHE_TTL_MOVING_MS: '0' }, simulator: { now: () => clock } });
  });
  afterAll(() => h.close());

  it('answers DELIVERED from the webhook while the provider GET still says SENT', async () => {
    const id = freshD7Id();
    expect((await report(h, id)).messages[0]!.status).toBe('processed');
    clock += 3_000;
    expect((await report(h, id)).messages[0]!.status).toBe('sent');
    const res = await postWebhook(h, d7Path(), d7Event(id, generatedMsgId(id, 0), 'delivered', Date.now()));
    expect(res.status).toBe(202);
    await applied(h, 1);
    h.resetCounts();
    const after = await report(h, id);
    // The query did ask D7 (and D7 still said sent), and the answer is the webhook's.
    expect(h.simulator('D7').requests).toEqual([id]);
    expect(after.messages[0]).toMatchObject({ status: 'delivered', state: 'DELIVERED' });
  });
});
