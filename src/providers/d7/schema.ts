import { z } from 'zod';
import { FIELD_LIMITS } from '../../domain/record-bounds.js';
import { cappedText } from '../field-limits.js';

// Parsed defensively: only what the service relies on is required. Every string is capped
// (FIELD_LIMITS; D7 documents no lengths): a longer one fails the body, nothing is stored.
export const text = cappedText(FIELD_LIMITS.ref);
const longText = cappedText(FIELD_LIMITS.text);
const id = z.string().min(1).max(FIELD_LIMITS.ref);
const status = z.string().max(FIELD_LIMITS.status);

/** D7's customer references: nested under `reference` in a report, flat in a delivery event. */
export const referenceFields = {
  cust_ref: text,
  message_tag1: text,
  message_tag2: text,
  message_tag3: text,
  message_tag4: text,
  message_tag5: text,
  conversation_id: text,
};

const reference = z.object(referenceFields).nullish();

const message = z.object({
  msg_id: id,
  originator: text,
  recipient: text,
  reference,
  conversation_type: text,
  message_type: text,
  template_id: text,
  waConvId: text,
  status,
  reason: longText,
});

/** 200 body of GET /whatsapp/v2/report/{request_id}. */
export const d7ReportBody = z.object({
  request_id: id,
  messages: z.array(message),
  request_stage: text,
  schedule_time: z.union([z.string().max(FIELD_LIMITS.ref), z.number()]).nullish(),
});

export type D7ReportBody = z.infer<typeof d7ReportBody>;
export type D7MessageBody = z.infer<typeof message>;

/** FastAPI-style error body: `detail` is an object, a list of validation problems, or a string. */
export const d7ErrorBody = z.object({
  detail: z.union([
    z.object({ code: z.string().optional(), message: z.string().optional() }),
    z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string().optional() })),
    z.string(),
  ]),
});

export function d7ErrorDetail(body: unknown): { code?: string; message?: string } | undefined {
  const parsed = d7ErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const { detail } = parsed.data;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    return { code: 'VALIDATION_ERROR', message: detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ') };
  }
  return detail;
}
