import { z } from 'zod';
import { DELIVERY_STATES } from '../../domain/delivery-state.js';
import { jsonInstant } from '../../domain/json-instant.js';
import type { D7ReportDetails } from './normalize.js';

const text = z.string().nullable();

/**
 * D7ReportDetails from their JSON form (records kept in Redis). Every field is required, so an
 * entry written by another version of these details is rejected, not half read.
 */
export const d7DetailsSchema: z.ZodType<D7ReportDetails, unknown> = z.object({
  requestId: z.string(),
  requestStage: text,
  scheduleTime: jsonInstant.nullable(),
  messages: z.array(
    z.object({
      msgId: z.string(),
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
      status: z.string(),
      state: z.enum(DELIVERY_STATES),
      isFinal: z.boolean(),
      observedAt: z.number().int().nonnegative(),
      reason: text,
    }),
  ),
});
