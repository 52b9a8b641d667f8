import type { DeliveryState } from '../../domain/delivery-state.js';
import type { MessageStatusRecord } from '../../domain/message-status.js';
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
  reason: string | null;
}

export interface D7ReportDetails {
  requestId: string;
  requestStage: string | null;
  scheduleTime: Date | null;
  messages: D7MessageDetails[];
}

export type D7Record = MessageStatusRecord<D7ReportDetails>;

const STATUS_TABLE: Record<string, DeliveryState> = {
  processed: 'PENDING',
  scheduled: 'SCHEDULED',
  sent: 'SENT',
  delivered: 'DELIVERED',
  read: 'READ',
  un_delivered: 'FAILED',
  rejected: 'REJECTED',
  insufficient_credit: 'REJECTED',
};

/** D7 status text to DeliveryState; anything unknown is UNKNOWN, never an error. */
export function d7State(status: string): DeliveryState {
  return STATUS_TABLE[status.trim().toLowerCase()] ?? 'UNKNOWN';
}

/** D7 sends schedule_time as null in every known example; accept ISO text (UTC when no zone is given) or epoch. */
export function parseScheduleTime(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  let date: Date;
  if (typeof value === 'number') {
    date = new Date(value > 1e12 ? value : value * 1000);
  } else {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
    date = new Date(hasZone ? value : `${value.trim().replace(' ', 'T')}Z`);
  }
  return Number.isNaN(date.getTime()) ? null : date;
}

function normalizeMessage(m: D7MessageBody): D7MessageDetails {
  const ref = m.reference;
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
    state: d7State(m.status),
    reason: m.reason ?? null,
  };
}

/** Pure: one validated D7 report body to the provider-neutral record. */
export function normalizeD7Report(body: D7ReportBody, fetchedAt: Date): D7Record {
  const messages = body.messages.map(normalizeMessage);
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
    details: { requestId: body.request_id, requestStage: body.request_stage ?? null, scheduleTime, messages },
  };
}

