import { z } from 'zod';

// Parsed defensively: only uuid and status are required.
const text = z.union([z.string(), z.number()]).transform(String).nullish();

/** 200 body of GET /api/v1/connect-hub/whatsapp/{uuid}/wdr. */
export const betatelWdrBody = z.object({
  uuid: z.string().min(1),
  wam_id: text,
  to: text,
  // A numeric OTP may arrive as a number; keep it as text.
  text,
  status: z.string(),
  timestamp: z.string().nullish(),
  delivery_timestamp: z.string().nullish(),
  delivery_time: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).nullish(),
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
