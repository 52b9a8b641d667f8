import { describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { betatel } from '../../../src/providers/betatel/index.js';
import { BETATEL_DOCS_EXAMPLE } from '../../../src/providers/betatel/simulator.js';
import { d7 } from '../../../src/providers/d7/index.js';
import { mergeD7Reports } from '../../../src/providers/d7/merge.js';
import { normalizeD7Report, type D7Record } from '../../../src/providers/d7/normalize.js';
import { D7_DOCS_EXAMPLE } from '../../../src/providers/d7/simulator.js';
import type { WebhookParse, WebhookUpdate } from '../../../src/providers/provider.js';
import { d7Event } from '../../helpers/webhooks.js';

const REQUEST_ID = D7_DOCS_EXAMPLE.request_id;
const MSG_ID = D7_DOCS_EXAMPLE.messages[0]!.msg_id;
const FETCHED_AT = new Date('2025-05-01T12:00:00.000Z');
const known = normalizeD7Report({ ...D7_DOCS_EXAMPLE, messages: [{ ...D7_DOCS_EXAMPLE.messages[0]!, status: 'sent' }] }, FETCHED_AT);

function update(parsed: WebhookParse): WebhookUpdate {
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.update;
}

function patch(body: unknown, observedAt: number): D7Record {
  const u = update(d7.webhook!.parse(body));
  if (u.kind !== 'patch') throw new Error(`expected a patch, got ${u.kind}`);
  return u.apply(known, observedAt) as D7Record;
}

describe('D7 delivery events', () => {
  it('patch the named message (status, state, finality, observation time) and aggregate the report again', () => {
    const at = FETCHED_AT.getTime() + 5_000;
    const patched = patch(d7Event(REQUEST_ID, MSG_ID.toUpperCase(), 'delivered', at), at);
    expect(patched.state).toBe('DELIVERED');
    expect(patched.details.messages).toHaveLength(1);
    expect(patched.details.messages[0]).toMatchObject({ msgId: MSG_ID, status: 'delivered', state: 'DELIVERED', isFinal: false, observedAt: at, reason: null });
    expect(patched.details.messages[0]!.templateId).toBe('marketing');
    expect(patched.fetchedAt.getTime()).toBe(at);
    // The known record itself is untouched.
    expect(known.details.messages[0]!.status).toBe('sent');
  });

  it('add a message the known report does not list yet, from the event fields only', () => {
    const other = '7e29d646-4e09-11ee-84f4-0242ac190007';
    const patched = patch(d7Event(REQUEST_ID, other, 'un_delivered', FETCHED_AT.getTime(), { cust_ref: 'ref-9' }), FETCHED_AT.getTime());
    expect(patched.details.messages.map((m) => m.msgId)).toEqual([MSG_ID, other]);
    expect(patched.details.messages[1]).toMatchObject({ state: 'FAILED', templateId: null, reason: null, reference: expect.objectContaining({ customerRef: 'ref-9' }) });
    expect(patched.state).toBe('SENT');
  });

  it('merge to the known record itself when the event tells nothing newer (mergeD7Reports takes nothing)', () => {
    const older = patch(d7Event(REQUEST_ID, MSG_ID, 'processed', FETCHED_AT.getTime() - 1_000), FETCHED_AT.getTime() - 1_000);
    expect(mergeD7Reports(known, older as MessageStatusRecord)).toBe(known);
  });

  it('name the event for deduplication by request, message, status and time; seconds are taken as such', () => {
    const parsed = d7.webhook!.parse({ ...d7Event(REQUEST_ID, MSG_ID, 'read', 0), timestamp: 1_695_645_887 });
    expect(parsed).toMatchObject({ ok: true, eventKey: `${REQUEST_ID}|${MSG_ID}|read|1695645887000`, update: { kind: 'patch', id: REQUEST_ID, eventAt: 1_695_645_887_000 } });
    const noTime = d7.webhook!.parse({ request_id: REQUEST_ID, msg_id: MSG_ID, status: 'read' });
    expect(noTime).toMatchObject({ ok: true, update: { eventAt: undefined } });
  });

  it('refuse other event types, a msg_id that is no UUID, and bodies without request_id or status', () => {
    const event = d7Event(REQUEST_ID, MSG_ID, 'read', 1);
    for (const body of [{ ...event, event_type: 'INBOUND' }, { ...event, msg_id: 'nope' }, { ...event, request_id: undefined }, { ...event, status: '' }, 'read', null]) {
      expect(d7.webhook!.parse(body).ok, JSON.stringify(body)).toBe(false);
    }
  });
});

describe('Betatel pushes (assumed: the WDR record)', () => {
  it('take a whole WDR record as a record observed when it arrives', () => {
    const u = update(betatel.webhook!.parse(BETATEL_DOCS_EXAMPLE));
    expect(u.kind).toBe('record');
    if (u.kind !== 'record') return;
    const record = u.record(FETCHED_AT.getTime());
    expect(record).toMatchObject({ provider: 'BETATEL', providerMessageId: BETATEL_DOCS_EXAMPLE.uuid, state: 'DELIVERED', fetchedAt: FETCHED_AT });
  });

  it('take a body with only a uuid, or a partial record, as a hint to fetch; anything else is refused', () => {
    expect(update(betatel.webhook!.parse({ uuid: BETATEL_DOCS_EXAMPLE.uuid }))).toEqual({ kind: 'fetch', id: BETATEL_DOCS_EXAMPLE.uuid });
    expect(update(betatel.webhook!.parse({ uuid: BETATEL_DOCS_EXAMPLE.uuid, status: 42 })).kind).toBe('fetch');
    // The id format is src/live's check (the provider's parseId), the same for every provider.
    expect(betatel.webhook!.parse({ uuid: 'x' })).toEqual({ ok: true, update: { kind: 'fetch', id: 'x' } });
    for (const body of [{ status: 'READ' }, [], 'uuid', null, { uuid: 7 }]) expect(betatel.webhook!.parse(body).ok).toBe(false);
  });
});
