import { z } from 'zod';
import { jsonInstant } from '../../domain/json-instant.js';
import { FIELD_LIMITS } from '../../domain/record-bounds.js';
import type { BetatelWdrDetails } from './normalize.js';

// The same caps as the provider's own bodies: an entry in Redis is input too.
const ref = z.string().max(FIELD_LIMITS.ref);
const text = ref.nullable();

/**
 * BetatelWdrDetails from their JSON form (records kept in Redis). Every field is required, so an
 * entry written by another version of these details is rejected, not half read.
 */
export const betatelDetailsSchema: z.ZodType<BetatelWdrDetails, unknown> = z.object({
  uuid: ref,
  whatsappMessageId: text,
  to: text,
  text: z.string().max(FIELD_LIMITS.text).nullable(),
  status: z.string().max(FIELD_LIMITS.status),
  createdAt: jsonInstant.nullable(),
  deliveredAt: jsonInstant.nullable(),
  deliveryTimeMs: z.number().int().nullable(),
  webhookDelivered: z.boolean().nullable(),
});
