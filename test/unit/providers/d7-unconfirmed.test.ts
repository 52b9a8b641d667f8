import { describe, expect, it } from 'vitest';
import { mergeAnswers } from '../../../src/domain/status-merge.js';
import { createD7Merge } from '../../../src/providers/d7/merge.js';
import { normalizeD7Report, type D7Record } from '../../../src/providers/d7/normalize.js';
import { d7DeliveryEvent, patchReport, reportFromEvent } from '../../../src/providers/d7/webhook.js';

// Held messages are bounded per report and expire unless the provider's GET lists them.
const BOUNDS = { maxMessages: 5, maxUnconfirmed: 3, unconfirmedTtlMs: 1_000 };
const merge = createD7Merge(BOUNDS);
const REQUEST = 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e';
const msg = (n: number) => `6d29d646-4e09-11ee-84f4-${String(n).padStart(12, '0')}`;
const T0 = 1_750_000_000_000;

const get = (ids: number[], at: number): D7Record =>
  normalizeD7Report({ request_id: REQUEST, messages: ids.map((n) => ({ msg_id: msg(n), status: 'sent' })) }, new Date(at), BOUNDS.maxMessages);
const event = (n: number, status = 'delivered') => d7DeliveryEvent.parse({ request_id: REQUEST, msg_id: msg(n), status, timestamp: T0 });
/** What is known after an event about message `n`, received at `at`, merged into `known`. */
const applyEvent = (known: D7Record, n: number, at: number) => merge(known, patchReport(known, event(n), msg(n), at, at)) as D7Record;
const ids = (r: D7Record) => r.details.messages.map((m) => m.msgId);

describe('D7 messages known only from webhooks (unconfirmed)', () => {
  it('are held, at most maxUnconfirmed per report: 50 events with new msg_ids grow a 1-message report to 1 + 3', () => {
    let known = get([1], T0);
    for (let n = 100; n < 150; n++) known = applyEvent(known, n, T0 + n);
    expect(ids(known)).toEqual([msg(1), msg(100), msg(101), msg(102)]);
    expect(known.details.messages.slice(1).every((m) => m.unconfirmedSince !== null)).toBe(true);
  });

  it('expire once held unconfirmedTtlMs without the GET listing them; the GET stays the authority', () => {
    let known = get([1], T0);
    known = applyEvent(known, 100, T0);
    expect(ids(known)).toHaveLength(2);
    // A GET within the lifetime that does not list it: still held (the provider's GET may lag).
    known = merge(known, get([1], T0 + 500)) as D7Record;
    expect(ids(known)).toEqual([msg(1), msg(100)]);
    // A GET after it: gone.
    known = merge(known, get([1], T0 + 1_000)) as D7Record;
    expect(ids(known)).toEqual([msg(1)]);
  });

  it('a held message the GET lists is confirmed and survives past the lifetime', () => {
    let known = get([1], T0);
    known = applyEvent(known, 100, T0);
    known = merge(known, get([1, 100], T0 + 500)) as D7Record;
    expect(known.details.messages.find((m) => m.msgId === msg(100))).toMatchObject({ unconfirmedSince: null, state: 'DELIVERED' });
    known = merge(known, get([1], T0 + 10_000)) as D7Record;
    expect(ids(known)).toEqual([msg(1), msg(100)]);
  });

  it('expired ones make room for new ones; the earliest held win while the cap is full', () => {
    let known = get([1], T0);
    for (const n of [100, 101, 102]) known = applyEvent(known, n, T0);
    known = applyEvent(known, 103, T0 + 10);
    expect(ids(known)).not.toContain(msg(103));
    known = applyEvent(known, 104, T0 + 1_000);
    expect(ids(known)).toEqual([msg(1), msg(104)]);
  });

  it('a report known only from an event is not found again once its message expires and the GET still does not know it', () => {
    const alone = reportFromEvent(REQUEST, event(100), msg(100), T0, T0);
    expect(alone.details.messages[0]).toMatchObject({ msgId: msg(100), state: 'DELIVERED', unconfirmedSince: T0 });
    const lagging = mergeAnswers({ record: alone, checkedAt: T0 }, null, T0 + 500, merge);
    expect(lagging.answer.record).toBe(alone);
    const expired = mergeAnswers({ record: alone, checkedAt: T0 }, null, T0 + 1_000, merge);
    expect(expired).toMatchObject({ answer: { record: null }, changed: true });
  });

  it('a report from the provider keeps its first maxMessages (MAX_MESSAGES_PER_RECORD) messages and counts the rest', () => {
    const big = get([1, 2, 3, 4, 5, 6, 7], T0);
    expect(ids(big)).toEqual([1, 2, 3, 4, 5].map(msg));
    expect(big.details.omittedMessages).toBe(2);
    // No room for held messages beside a full report.
    expect(ids(applyEvent(big, 100, T0))).toEqual([1, 2, 3, 4, 5].map(msg));
  });
});
