import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { freshD7Id, startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';
import { capturingLogger } from '../../helpers/redis.js';
import { d7Event, d7Path, metricsText, postWebhook, sleep, until, WEBHOOK_ENV } from '../../helpers/webhooks.js';

// Issue 23 item 1: a 202 is a promise. A D7 event naming a report this service must fetch first
// is applied before the answer, kept until D7's GET shows it, and its GET retried with backoff.

interface Report {
  state: string;
  requestStage: string | null;
  messages: { msgId: string; status: string; state: string }[];
}
const REPORT = `query Report($id: ID!) { d7Report(requestId: $id) { state requestStage messages { msgId status state } } }`;
const FILLER = `query Filler($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename } }`;

let serial = 0;
const freshMsgId = () => `6d29d646-4e09-11ee-84f4-${String(++serial).padStart(12, '0')}`;

async function report(h: Harness, id: string): Promise<Report | null> {
  const res = await h.query<{ d7Report: Report | null }>(REPORT, { id });
  expect(res.errors).toBeUndefined();
  return res.data!.d7Report;
}

/** The first answer a new subscriber to `id` gets. */
async function subscriberSees(h: Harness, id: string): Promise<unknown> {
  const sub = subscribeSse(h, { refs: [{ provider: 'D7', id }] });
  const [first] = await sub.waitFor(1);
  await sub.close();
  return (first!.data as { messageStatusChanged: unknown }).messageStatusChanged;
}

/** D7's answer once it lists the message, with the status its (lagging) GET still says. */
const listed = (msgId: string, status: string, ...others: { msg_id: string; status: string }[]): Fault => ({ kind: 'report', messages: [{ msg_id: msgId, status }, ...others] });

// One attempt per GET (no retries inside a lookup), and failures never open the breaker here: the
// service keeps answering other traffic through the outage of the reports under test.
const ENV = { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0', RETRY_MAX: '0', BREAKER_THRESHOLD: '1000' };

describe('a D7 event whose report must be fetched first is kept (in one process)', () => {
  let fault: FaultServer;
  let h: Harness;
  beforeAll(async () => {
    fault = await startFaultServer();
    // A small cache, so the traffic below drops the reports under test from it.
    h = await startHarness({ env: { ...ENV, CACHE_MAX_ENTRIES: '50', CACHE_TTL_MOVING_MS: '2000' }, baseUrls: { D7: fault.url } });
  });
  afterAll(async () => {
    await h.close();
    await fault.close();
  });

  /** 60 lookups of other reports: more than the cache holds. */
  const otherTraffic = () => h.query(FILLER, { refs: Array.from({ length: 60 }, () => ({ provider: 'D7', id: freshD7Id() })) });

  it('a query right after the 202 shows the event, while the GET the report needs is still under way (it answers 404 after 1 s)', async () => {
    const id = freshD7Id();
    const msgId = freshMsgId();
    fault.script(id, { kind: 'status', status: 404, delayMs: 1_000 });
    expect((await postWebhook(h, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
    expect(await report(h, id)).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered', state: 'DELIVERED' }] });
  });

  it.each([
    ['503 (D7 is down)', { kind: 'status', status: 503 } as Fault, 10],
    ['404 (its GET lags its postbacks)', { kind: 'status', status: 404 } as Fault, 5],
  ])('events whose report GET answers %s are kept through the outage, though the cache drops them: once D7 lists each message as sent, queries and new subscribers show DELIVERED', async (_, failure, count) => {
    const events = Array.from({ length: count }, () => ({ id: freshD7Id(), msgId: freshMsgId() }));
    for (const { id } of events) fault.script(id, failure);
    for (const { id, msgId } of events) expect((await postWebhook(h, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
    await until(() => events.every(({ id }) => fault.hits(id) >= 1), 5_000, 'a GET of each report');
    await otherTraffic();
    await otherTraffic();

    for (const { id, msgId } of events) fault.script(id, listed(msgId, 'sent'));
    for (const { id, msgId } of events) {
      expect(await report(h, id)).toMatchObject({ state: 'DELIVERED', messages: [{ msgId, status: 'delivered', state: 'DELIVERED' }] });
    }
    await otherTraffic();
    for (const { id } of events) expect(await subscriberSees(h, id)).toMatchObject({ providerMessageId: id, state: 'DELIVERED' });
  });

  it('the GET is retried with backoff until D7 shows the event, completing the report without any query; then no more GETs', async () => {
    const id = freshD7Id();
    const msgId = freshMsgId();
    const other = { msg_id: freshMsgId(), status: 'sent' };
    // Down, then not listing it yet, then listing it behind the event, then showing it.
    fault.script(id, { kind: 'status', status: 503 }, { kind: 'status', status: 404 }, listed(msgId, 'sent', other), listed(msgId, 'delivered', other));
    const keptBefore = sample(await metricsText(h), 'webhook_kept_messages');
    const started = Date.now();
    expect((await postWebhook(h, d7Path(), d7Event(id, msgId, 'delivered', Date.now()))).status).toBe(202);
    expect(sample(await metricsText(h), 'webhook_kept_messages')).toBe(keptBefore + 1);

    const completedReport = () => (h.app.service.known('D7', id) as D7Record).details.requestStage === 'processed';
    await until(completedReport, 10_000, 'a GET that lists the message');
    // Backoff: three GETs took at least the first two delays (1 s, then 2 s).
    expect(fault.hits(id)).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    const completed = h.app.service.known('D7', id) as D7Record;
    expect(completed.details.messages.map((m) => [m.msgId, m.state, m.unconfirmedSince])).toEqual([
      [msgId, 'DELIVERED', null],
      [other.msg_id, 'SENT', null],
    ]);
    await until(() => fault.hits(id) >= 4, 10_000, 'a GET that shows the event');
    // Longer than the longest wait between two GETs here (CACHE_TTL_MOVING_MS, 2 s).
    await sleep(3_000);
    expect(fault.hits(id)).toBe(4);
    expect(sample(await metricsText(h), 'webhook_kept_messages')).toBe(keptBefore);
    expect(sample(await metricsText(h), 'webhook_kept_total', { provider: 'D7', result: 'shown' })).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('what a process cannot keep is refused, so that D7 delivers it again', () => {
  let fault: FaultServer;
  let h: Harness;
  const log = capturingLogger('warn');
  beforeAll(async () => {
    fault = await startFaultServer();
    h = await startHarness({ env: { ...ENV, MAX_KEPT_WEBHOOK_MESSAGES: '2' }, baseUrls: { D7: fault.url }, deps: { logger: log.logger } });
  });
  afterAll(async () => {
    await h.close();
    await fault.close();
  });

  it('past MAX_KEPT_WEBHOOK_MESSAGES an event is answered 503 with Retry-After, logged, and nothing is applied; once room is made its redelivery is taken', async () => {
    const events = Array.from({ length: 3 }, () => ({ id: freshD7Id(), msgId: freshMsgId() }));
    for (const { id } of events) fault.script(id, { kind: 'status', status: 503 });
    const [first, second, third] = events.map(({ id, msgId }) => d7Event(id, msgId, 'delivered', Date.now()));
    expect((await postWebhook(h, d7Path(), first)).status).toBe(202);
    expect((await postWebhook(h, d7Path(), second)).status).toBe(202);

    const refused = await postWebhook(h, d7Path(), third);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'KEPT_FULL' });
    expect(h.app.service.known('D7', events[2]!.id)).toBeUndefined();
    expect(log.lines.some((l) => l.msg === 'webhook refused' && l.outcome === 'kept_full' && l.status === 503)).toBe(true);

    // D7 recovers and shows the first two: they are no longer kept, and there is room again.
    for (const { id, msgId } of events.slice(0, 2)) fault.script(id, listed(msgId, 'delivered'));
    await until(async () => sample(await metricsText(h), 'webhook_kept_messages') === 0, 10_000, 'the kept messages to be shown by D7');
    expect((await postWebhook(h, d7Path(), third)).status).toBe(202);
    expect((h.app.service.known('D7', events[2]!.id) as D7Record).details.messages).toMatchObject([{ msgId: events[2]!.msgId, state: 'DELIVERED' }]);
  }, 20_000);
});

describe('a kept message D7 never lists expires', () => {
  let fault: FaultServer;
  let h: Harness;
  const log = capturingLogger('warn');
  beforeAll(async () => {
    fault = await startFaultServer();
    h = await startHarness({ env: { ...ENV, UNCONFIRMED_MESSAGE_TTL_MS: '2500' }, baseUrls: { D7: fault.url }, deps: { logger: log.logger } });
  });
  afterAll(async () => {
    await h.close();
    await fault.close();
  });

  it('its GET is retried while it lives (UNCONFIRMED_MESSAGE_TTL_MS), then no more; it is counted and logged as lost', async () => {
    const id = freshD7Id();
    fault.script(id, { kind: 'status', status: 404 });
    expect((await postWebhook(h, d7Path(), d7Event(id, freshMsgId(), 'delivered', Date.now()))).status).toBe(202);
    await until(() => fault.hits(id) >= 2, 5_000, 'a second GET');
    await until(async () => sample(await metricsText(h), 'webhook_kept_messages') === 0, 5_000, 'the kept message to expire');
    const hits = fault.hits(id);
    await sleep(3_000);
    expect(fault.hits(id)).toBe(hits);
    expect(sample(await metricsText(h), 'webhook_kept_total', { provider: 'D7', result: 'expired' })).toBe(1);
    expect(log.lines.filter((l) => l.provider === 'D7' && String(l.msg).startsWith('kept webhook events expired'))).toMatchObject([{ parts: 1 }]);
    // Each try's 404 is behind the kept event, as expected: counted, not a warn line per try.
    expect(log.lines.filter((l) => String(l.msg).startsWith('provider answer went backwards'))).toEqual([]);
    expect(sample(await metricsText(h), 'status_regressions_total', { provider: 'D7' })).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
