import { z } from 'zod';
import { DELIVERY_STATES } from '../../domain/delivery-state.js';
import { jsonInstant } from '../../domain/json-instant.js';
import { FIELD_LIMITS, RECORD_BOUNDS_CEILING } from '../../domain/record-bounds.js';
import type { RecordParts } from '../../domain/record-parts.js';
import { withMessages } from './merge.js';
import type { D7MessageDetails, D7Record, D7ReportDetails } from './normalize.js';

// The same caps as the provider's own bodies: an entry in Redis is input too.
const ref = z.string().max(FIELD_LIMITS.ref);
const text = ref.nullable();

/** One message of a report from its JSON form. Every field is required: another version's message is rejected, not half read. */
const d7MessageSchema: z.ZodType<D7MessageDetails, unknown> = z.object({
  msgId: ref,
  originator: text,
  recipient: text,
  reference: z
    .object({
      customerRef: text,
      messageTag1: text,
      messageTag2: text,
      messageTag3: text,
      messageTag4: text,
      messageTag5: text,
      conversationId: text,
    })
    .nullable(),
  conversationType: text,
  messageType: text,
  templateId: text,
  whatsappConversationId: text,
  status: z.string().max(FIELD_LIMITS.status),
  state: z.enum(DELIVERY_STATES),
  isFinal: z.boolean(),
  observedAt: z.number().int().nonnegative(),
  reason: z.string().max(FIELD_LIMITS.text).nullable(),
  unconfirmedSince: z.number().int().nonnegative().nullable(),
});

/**
 * D7ReportDetails from their JSON form (records kept in Redis). Every field is required, so an
 * entry written by another version of these details is rejected, not half read.
 */
export const d7DetailsSchema: z.ZodType<D7ReportDetails, unknown> = z.object({
  requestId: ref,
  requestStage: text,
  scheduleTime: jsonInstant.nullable(),
  messages: z.array(d7MessageSchema).max(RECORD_BOUNDS_CEILING.maxMessages + RECORD_BOUNDS_CEILING.maxUnconfirmed),
  omittedMessages: z.number().int().nonnegative(),
});

/**
 * A report in Redis: one part per message, by `msg_id` in lower case (as the status merge pairs
 * them), so a delivery event for one recipient of a bulk send writes that recipient alone.
 */
export const d7StoredParts: RecordParts<D7MessageDetails> = {
  parts: (record) => (record as D7Record).details.messages.map((m) => [m.msgId.toLowerCase(), m] as const),
  withParts: (record, messages) => withMessages(record as D7Record, [...messages]),
  partSchema: d7MessageSchema,
};
