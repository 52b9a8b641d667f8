import { z } from 'zod';
import { DELIVERY_STATES } from '../domain/delivery-state.js';
import { jsonInstant } from '../domain/json-instant.js';
import type { Answer } from '../domain/status-merge.js';
import type { ProviderModule } from '../providers/provider.js';

/** What replicas share: the status merge's answer (the record, or null for "not found", and checkedAt). */
export type StoredAnswer = Answer;

/** Turns answers into versioned JSON entries and back. */
export interface AnswerCodec {
  /** `JSON.stringify` of an answer (Dates as ISO text) back to the answer, Dates and provider details included. */
  readonly answer: z.ZodType<StoredAnswer, unknown>;
  /** The entry kept in Redis: `{ v, checkedAt, record }`. */
  encode(answer: StoredAnswer): string;
  /** Undefined for anything but a valid entry of this version (corrupt, foreign, older): a miss, never a throw. */
  decode(text: string): StoredAnswer | undefined;
}

// Bump when the entry's shape changes: replicas of two versions then ignore each other's entries.
const VERSION = 1;

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
  const answer = z.object({ checkedAt: z.number().int().nonnegative(), record: recordShape.nullable() }).transform((value, ctx): StoredAnswer => {
    const { record, checkedAt } = value;
    if (record === null) return { record: null, checkedAt };
    const details = detailsByKey.get(record.provider)?.safeParse(record.details);
    if (!details?.success) {
      ctx.addIssue({ code: 'custom', message: `not the details of a ${record.provider} record this version knows` });
      return z.NEVER;
    }
    return { checkedAt, record: { ...record, details: details.data } };
  });
  const entry = z.object({ v: z.literal(VERSION) });
  const fromJson = (value: unknown): StoredAnswer | undefined => {
    if (!entry.safeParse(value).success) return undefined;
    const parsed = answer.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    answer,
    // Dates become ISO text through their toJSON; `answer` turns them back.
    encode: (stored) => JSON.stringify({ v: VERSION, checkedAt: stored.checkedAt, record: stored.record }),
    decode(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return undefined;
      }
      return fromJson(value);
    },
  };
}
