import { z } from 'zod';
import { FIELD_LIMITS } from '../../domain/record-bounds.js';
import { cappedText } from '../field-limits.js';

// Parsed defensively: only uuid and status are required. Every string is capped (FIELD_LIMITS;
// `text` at WhatsApp's 4,096 characters): a longer one fails the body, nothing is stored.
const text = cappedText(FIELD_LIMITS.ref);
const instant = z.string().max(FIELD_LIMITS.ref).nullish();

/** 200 body of GET /api/v1/connect-hub/whatsapp/{uuid}/wdr. */
export const betatelWdrBody = z.object({
  uuid: z.string().min(1).max(FIELD_LIMITS.ref),
  wam_id: text,
  to: text,
  // A numeric OTP may arrive as a number; keep it as text.
  text: cappedText(FIELD_LIMITS.text),
  status: z.string().max(FIELD_LIMITS.status),
  timestamp: instant,
  delivery_timestamp: instant,
  delivery_time: z.union([z.number(), z.string().max(32).regex(/^\d+(\.\d+)?$/).transform(Number)]).nullish(),
  webhook_delivered: z.boolean().nullish(),
});

export type BetatelWdrBody = z.infer<typeof betatelWdrBody>;

/** Betatel's error body is undocumented: take a code and a message wherever they are. */
const betatelErrorBody = z.object({
  code: z.union([z.string(), z.number()]).transform(String).optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

export function betatelErrorDetail(body: unknown): { code?: string; message?: string } | undefined {
  const parsed = betatelErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const { code, error, message } = parsed.data;
  return { code, message: message ?? error };
}
