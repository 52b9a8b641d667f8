import { z } from 'zod';
import { jsonInstant } from '../../../src/domain/json-instant.js';

/** 200 body of GET /v1/messages/{id}: the whole of Acme's (invented) record. */
export const acmeMessageBody = z.object({
  id: z.string().min(1).max(64),
  state: z.string().max(32),
  updated_at: z.string().max(64),
});

export type AcmeMessageBody = z.infer<typeof acmeMessageBody>;

/** Acme's error body: `{ "error": "..." }`. */
export function acmeErrorDetail(body: unknown): { code?: string } | undefined {
  const parsed = z.object({ error: z.string().max(64) }).safeParse(body);
  return parsed.success ? { code: parsed.data.error } : undefined;
}

export interface AcmeDetails {
  /** Exactly as Acme reported it. */
  state: string;
  updatedAt: Date;
}

/** AcmeDetails from their JSON form (the Redis tier). */
export const acmeDetailsSchema: z.ZodType<AcmeDetails, unknown> = z.object({ state: z.string().max(32), updatedAt: jsonInstant });
