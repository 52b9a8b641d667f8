import { isFinalState, type DeliveryState } from '../../domain/delivery-state.js';
import { parseInstant } from '../../domain/instant.js';
import type { MessageStatusRecord } from '../../domain/message-status.js';
import { DEFAULT_RECORD_BOUNDS } from '../../domain/record-bounds.js';
import { supersedes } from '../../domain/status-merge.js';
import { aggregateState } from './aggregate.js';
import type { D7MessageBody, D7ReportBody } from './schema.js';

export interface D7ReferenceDetails {
  customerRef: string | null;
  messageTag1: string | null;
  messageTag2: string | null;
  messageTag3: string | null;
  messageTag4: string | null;
  messageTag5: string | null;
  conversationId: string | null;
}

export interface D7MessageDetails {
  msgId: string;
  originator: string | null;
  recipient: string | null;
  reference: D7ReferenceDetails | null;
  conversationType: string | null;
  messageType: string | null;
  templateId: string | null;
  whatsappConversationId: string | null;
  /** Exactly as D7 reported it. */
  status: string;
  state: DeliveryState;
  isFinal: boolean;
  /** When this message's status was observed (epoch ms): its report's fetch, or a webhook event. */
  observedAt: number;
  reason: string | null;
  /**
   * Null once the provider's GET has listed this message (confirmed). Otherwise it is known only
   * from webhook events, held since this time (epoch ms of receipt), and expires if the GET never
   * lists it (RecordBounds).
   */
  unconfirmedSince: number | null;
}

export interface D7ReportDetails {
  requestId: string;
  requestStage: string | null;
  scheduleTime: Date | null;
  messages: D7MessageDetails[];
  /** Messages the provider listed beyond MAX_MESSAGES_PER_RECORD, not kept. */
  omittedMessages: number;
}

export type D7Record = MessageStatusRecord<D7ReportDetails>;

// A Map, not an object literal: a status like "constructor" must not hit Object.prototype.
export const STATUS_TABLE: ReadonlyMap<string, DeliveryState> = new Map(Object.entries({
  processed: 'PENDING',
  scheduled: 'SCHEDULED',
  sent: 'SENT',
  delivered: 'DELIVERED',
  read: 'READ',
  un_delivered: 'FAILED',
  rejected: 'REJECTED',
  insufficient_credit: 'REJECTED',
}) as [string, DeliveryState][]);

/** D7 status text to DeliveryState; anything unknown is UNKNOWN, never an error. */
export function d7State(status: string): DeliveryState {
  return STATUS_TABLE.get(status.trim().toLowerCase()) ?? 'UNKNOWN';
}

/** D7 sends schedule_time as null in every known example; text or epoch is accepted (see parseInstant). */
export const parseScheduleTime = parseInstant;

function normalizeMessage(m: D7MessageBody, observedAt: number): D7MessageDetails {
  const ref = m.reference;
  const state = d7State(m.status);
  return {
    msgId: m.msg_id,
    originator: m.originator ?? null,
    recipient: m.recipient ?? null,
    reference: ref
      ? {
          customerRef: ref.cust_ref ?? null,
          messageTag1: ref.message_tag1 ?? null,
          messageTag2: ref.message_tag2 ?? null,
          messageTag3: ref.message_tag3 ?? null,
          messageTag4: ref.message_tag4 ?? null,
          messageTag5: ref.message_tag5 ?? null,
          conversationId: ref.conversation_id ?? null,
        }
      : null,
    conversationType: m.conversation_type ?? null,
    messageType: m.message_type ?? null,
    templateId: m.template_id ?? null,
    whatsappConversationId: m.waConvId ?? null,
    status: m.status,
    state,
    isFinal: isFinalState(state),
    observedAt,
    reason: m.reason ?? null,
    unconfirmedSince: null,
  };
}

/**
 * Duplicate `msg_id`s in one body merge by the status merge rule (all observed at once, so the
 * most advanced wins; between equals, the later entry). Keeps the order of first appearance.
 */
function dedupeMessages(messages: readonly D7MessageDetails[]): D7MessageDetails[] {
  const byId = new Map<string, D7MessageDetails>();
  for (const m of messages) {
    const seen = byId.get(m.msgId);
    // A message is a StateObservation (state, isFinal, observedAt) of its own.
    if (!seen || supersedes(m, seen)) byId.set(m.msgId, m);
  }
  return [...byId.values()];
}

/**
 * Pure: one validated D7 report body, observed at `fetchedAt`, to the provider-neutral record.
 * At most `maxMessages` messages are kept (the first ones, in the provider's order); the rest
 * are counted in `omittedMessages`, so a huge report is bounded, not refused.
 */
export function normalizeD7Report(body: D7ReportBody, fetchedAt: Date, maxMessages = DEFAULT_RECORD_BOUNDS.maxMessages): D7Record {
  const observedAt = fetchedAt.getTime();
  const all = dedupeMessages(body.messages.map((m) => normalizeMessage(m, observedAt)));
  const messages = all.length > maxMessages ? all.slice(0, maxMessages) : all;
  const scheduleTime = parseScheduleTime(body.schedule_time);
  const { state, isFinal } = aggregateState(
    messages.map((m) => m.state),
    scheduleTime !== null,
  );
  return {
    provider: 'D7',
    providerMessageId: body.request_id,
    state,
    isFinal,
    fetchedAt,
    details: { requestId: body.request_id, requestStage: body.request_stage ?? null, scheduleTime, messages, omittedMessages: all.length - messages.length },
  };
}

