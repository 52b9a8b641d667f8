import type { z } from 'zod';
import type { MessageStatusRecord } from './message-status.js';

/**
 * A record that holds many messages (a D7 report lists one per recipient), seen as its parts:
 * what a change touches one at a time. Kept outside the process (the Redis tier), a record is
 * stored part by part, so a change to one message costs that message, not the whole record.
 */
export interface RecordParts<Part = unknown> {
  /** The record's parts in order, each with an id unique within the record (the id its merge pairs parts by). */
  parts(record: MessageStatusRecord): readonly (readonly [id: string, part: Part])[];
  /**
   * `record` holding `parts` (in that order) instead of its own, with what depends on them (its
   * state, isFinal) derived again. Parts kept from `record`'s are kept as the same objects.
   */
  withParts(record: MessageStatusRecord, parts: readonly Part[]): MessageStatusRecord;
  /** Decodes one part from its JSON form (Dates as ISO text); anything else fails to parse. */
  partSchema: z.ZodType<Part, unknown>;
}
