import { z } from 'zod';
import { isFinalState } from '../../domain/delivery-state.js';
import type { ProviderWebhook, WebhookParse } from '../provider.js';
import { aggregateState } from './aggregate.js';
import { parseD7Uuid } from './ids.js';
import { d7State, type D7MessageDetails, type D7Record } from './normalize.js';
import { referenceFields, text } from './schema.js';
import { FIELD_LIMITS } from '../../domain/record-bounds.js';
import { tooLongField } from '../field-limits.js';

// Parsed defensively (D7's "Receive WhatsApp Postback"): only what the service relies on is
// required; the other fields may be missing, null, or numbers where text is expected (`text`).

// Epoch milliseconds per the docs (e.g. 1695645887348); a numeric string is taken too.
const epoch = z.union([z.number(), z.string().regex(/^\d{1,16}$/).transform(Number)]).pipe(z.number().finite().nonnegative());

/** The body D7 POSTs to a report_url (event_type DELIVERY_EVENTS): one event about one msg_id. */
export const d7DeliveryEvent = z.object({
  // Other event types are not delivery events; absent is taken as a delivery event.
  event_type: z
    .string()
    .refine((v) => v.trim().toUpperCase() === 'DELIVERY_EVENTS')
    .nullish(),
  timestamp: epoch.nullish(),
  date: text,
  request_id: z.string().min(1).max(FIELD_LIMITS.ref),
  msg_id: z.string().min(1).max(FIELD_LIMITS.ref),
  status: z.string().min(1).max(FIELD_LIMITS.status),
  recipient: text,
  originator: text,
  conversation_type: text,
  message_type: text,
  waConvId: text,
  ...referenceFields,
});

export type D7DeliveryEvent = z.infer<typeof d7DeliveryEvent>;

// Below this an epoch "in ms" is before 1973: the sender meant seconds.
const SECONDS_EPOCH_LIMIT = 100_000_000_000;

/** The event's time in epoch ms (seconds are taken as such); undefined when the body has none. */
export function eventTime(event: D7DeliveryEvent): number | undefined {
  const t = event.timestamp;
  if (t === null || t === undefined) return undefined;
  return t < SECONDS_EPOCH_LIMIT ? t * 1000 : t;
}

/**
 * A message the known report does not list yet, from the event's own fields (nothing invented),
 * held as unconfirmed since `receivedAt` until the provider's GET lists it (see createD7Merge).
 */
function messageFromEvent(event: D7DeliveryEvent, msgId: string, receivedAt: number): Omit<D7MessageDetails, 'status' | 'state' | 'isFinal' | 'observedAt'> {
  return {
    msgId,
    originator: event.originator ?? null,
    recipient: event.recipient ?? null,
    reference: {
      customerRef: event.cust_ref ?? null,
      messageTag1: event.message_tag1 ?? null,
      messageTag2: event.message_tag2 ?? null,
      messageTag3: event.message_tag3 ?? null,
      messageTag4: event.message_tag4 ?? null,
      messageTag5: event.message_tag5 ?? null,
      conversationId: event.conversation_id ?? null,
    },
    conversationType: event.conversation_type ?? null,
    messageType: event.message_type ?? null,
    templateId: null,
    whatsappConversationId: event.waConvId ?? null,
    reason: null,
    unconfirmedSince: receivedAt,
  };
}

/**
 * The known report with the event's message at its new status, observed at `observedAt`, and
 * the report's state aggregated again. Whether it replaces what is known is the status merge's
 * call (createD7Merge: a message the report does not list is held as unconfirmed, within its
 * bounds), not this function's: this only builds the candidate.
 */
export function patchReport(known: D7Record, event: D7DeliveryEvent, msgId: string, observedAt: number, receivedAt = observedAt): D7Record {
  const messages = known.details.messages;
  const index = messages.findIndex((m) => m.msgId.toLowerCase() === msgId);
  const previous = messages[index];
  if (previous && previous.status === event.status && previous.observedAt === observedAt) return known;
  const state = d7State(event.status);
  const patched: D7MessageDetails = {
    ...(previous ?? messageFromEvent(event, msgId, receivedAt)),
    status: event.status,
    state,
    isFinal: isFinalState(state),
    observedAt,
    // The reason GET gave explained the previous status; the event carries none.
    reason: previous && previous.status === event.status ? previous.reason : null,
  };
  const next = index >= 0 ? messages.map((m, i) => (i === index ? patched : m)) : [...messages, patched];
  const aggregate = aggregateState(
    next.map((m) => m.state),
    known.details.scheduleTime !== null,
  );
  return {
    ...known,
    ...aggregate,
    fetchedAt: new Date(Math.max(known.fetchedAt.getTime(), observedAt)),
    details: { ...known.details, messages: next },
  };
}

/**
 * A report known only from this event (nothing fetched yet, the fetch failed or found nothing):
 * its one message held as unconfirmed, so the event is not lost while the provider's GET lags;
 * a later GET completes it through the status merge, or the message expires.
 */
export function reportFromEvent(requestId: string, event: D7DeliveryEvent, msgId: string, observedAt: number, receivedAt: number): D7Record {
  const empty: D7Record = {
    provider: 'D7',
    providerMessageId: requestId,
    state: 'PENDING',
    isFinal: false,
    fetchedAt: new Date(observedAt),
    details: { requestId, requestStage: null, scheduleTime: null, messages: [], omittedMessages: 0 },
  };
  return patchReport(empty, event, msgId, observedAt, receivedAt);
}

function parse(body: unknown): WebhookParse {
  const parsed = d7DeliveryEvent.safeParse(body);
  if (!parsed.success) {
    const tooLong = tooLongField(parsed.error);
    if (tooLong) return { ok: false, reason: tooLong, tooLong: true };
    return { ok: false, reason: 'the body is not a D7 delivery event (DELIVERY_EVENTS with request_id, msg_id and status)' };
  }
  const event = parsed.data;
  const msgId = parseD7Uuid(event.msg_id);
  if (!msgId) return { ok: false, reason: 'msg_id is not a UUID' };
  const eventAt = eventTime(event);
  return {
    ok: true,
    update: {
      kind: 'patch',
      id: event.request_id,
      part: msgId,
      eventAt,
      apply: (known, observedAt, receivedAt) => patchReport(known as D7Record, event, msgId, observedAt, receivedAt),
      alone: (id, observedAt, receivedAt) => reportFromEvent(id, event, msgId, observedAt, receivedAt),
      holding: (known, heldAfter) => {
        const messages = (known as D7Record).details.messages;
        const named = messages.find((m) => m.msgId.toLowerCase() === msgId);
        return {
          listed: named !== undefined,
          confirmed: named !== undefined && named.unconfirmedSince === null,
          held: messages.filter((m) => m.unconfirmedSince !== null && m.unconfirmedSince > heldAfter).length,
        };
      },
    },
    eventKey: [event.request_id.toLowerCase(), msgId, event.status, eventAt ?? ''].join('|'),
  };
}

/** D7's delivery postbacks: one message of a report changes status. */
export const d7Webhook: ProviderWebhook = {
  tokenVariable: 'D7_WEBHOOK_TOKEN',
  sandboxToken: 'sandbox-d7-webhook-token-0123456789',
  parse,
};
