import { z } from 'zod';
import { DELIVERY_STATES } from '../domain/delivery-state.js';
import { jsonInstant } from '../domain/json-instant.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { Answer } from '../domain/status-merge.js';
import type { ProviderModule } from '../providers/provider.js';

/** What replicas share: the status merge's answer (the record, or null for "not found", and checkedAt). */
export type StoredAnswer = Answer;

/** Checks records and answers in their JSON form (what `JSON.stringify` made of them) and turns them back, Dates and provider details included. */
export interface AnswerCodec {
  /** A record of a provider this version knows, its details checked by that provider's schema. */
  readonly record: z.ZodType<MessageStatusRecord, unknown>;
  /** `{ checkedAt, record }`, the record nullable ("not found"). */
  readonly answer: z.ZodType<StoredAnswer, unknown>;
}

const recordShape = z.object({
  provider: z.string(),
  providerMessageId: z.string(),
  state: z.enum(DELIVERY_STATES),
  isFinal: z.boolean(),
  fetchedAt: jsonInstant,
  details: z.unknown(),
});

/** `providers` give the details schema of each provider key; a record of any other provider is rejected. */
export function createAnswerCodec(providers: readonly Pick<ProviderModule, 'key' | 'detailsSchema'>[]): AnswerCodec {
  const detailsByKey = new Map(providers.map((p) => [p.key, p.detailsSchema]));
  const record = recordShape.transform((value, ctx): MessageStatusRecord => {
    const details = detailsByKey.get(value.provider)?.safeParse(value.details);
    if (!details?.success) {
      ctx.addIssue({ code: 'custom', message: `not the details of a ${value.provider} record this version knows` });
      return z.NEVER;
    }
    return { ...value, details: details.data };
  });
  return {
    record,
    answer: z.object({ checkedAt: z.number().int().nonnegative(), record: record.nullable() }),
  };
}
