import { z } from 'zod';
import { jsonInstant } from '../../domain/json-instant.js';
import type { BetatelWdrDetails } from './normalize.js';

const text = z.string().nullable();

/**
 * BetatelWdrDetails from their JSON form (records kept in Redis). Every field is required, so an
 * entry written by another version of these details is rejected, not half read.
 */
export const betatelDetailsSchema: z.ZodType<BetatelWdrDetails, unknown> = z.object({
  uuid: z.string(),
  whatsappMessageId: text,
  to: text,
  text,
  status: z.string(),
  createdAt: jsonInstant.nullable(),
  deliveredAt: jsonInstant.nullable(),
  deliveryTimeMs: z.number().int().nullable(),
  webhookDelivered: z.boolean().nullable(),
});
