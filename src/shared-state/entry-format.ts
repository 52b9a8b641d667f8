import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { RECORD_BOUNDS_CEILING } from '../domain/record-bounds.js';
import type { RecordParts } from '../domain/record-parts.js';
import type { ProviderModule } from '../providers/provider.js';
import type { AnswerCodec, StoredAnswer } from './stored-answer.js';

/**
 * The shared cache entry of one message is a Redis hash, so that a change is written field by
 * field, and costs the parts it touched (one D7 message), not the whole record:
 *
 * - `k`: `1` a record, `0` the provider's "not found"
 * - `c`: checkedAt, epoch ms (the newest written is kept)
 * - `n`: writes so far (replacing the whole entry is conditional on it)
 * - `h`: the record without its parts, `{"v":2,"provider","providerMessageId","details"}` (records only)
 * - `s`: when that head was observed, epoch ms (the newest head is kept)
 * - `f`: fetchedAt, epoch ms (the newest written is kept; records only)
 * - `p:<id>`: one part, `{"i":<position>,"p":<its JSON>}`: a D7 message (id: its msg_id in
 *   lower case); the whole record (id empty) for a provider whose records are not in parts.
 *
 * What depends on the parts (a D7 report's state) is derived again on read.
 */
export const ENTRY_VERSION = 2;

export const FIELDS = { kind: 'k', checkedAt: 'c', writes: 'n', head: 'h', stamp: 's', fetchedAt: 'f' } as const;

/** Fields a record's entry holds besides its parts (the write script counts the others as parts). */
export const FIXED_FIELDS = 6;

const PART = 'p:';

/** The most parts an entry may hold and still be read: every message a record may hold. */
const MAX_PARTS = RECORD_BOUNDS_CEILING.maxMessages + RECORD_BOUNDS_CEILING.maxUnconfirmed;

export interface EntryPart {
  /** The part's field in the entry. */
  field: string;
  part: unknown;
  /** Its position in the record when written: parts are read back in this order (then by field). */
  index: number;
}

/** An entry as Redis holds it, decoded. */
export interface DecodedEntry {
  answer: StoredAnswer;
  /** Each part's field and text as stored (a conditional write of a field expects this text). */
  texts: Map<string, string>;
  /** The `n` field as stored ('' for none): replacing the whole entry is conditional on it. */
  writes: string;
}

/** How answers map onto entry fields, and back. */
export interface EntryCodec {
  /** The parts of a record, in order. */
  parts(record: MessageStatusRecord): EntryPart[];
  partText(part: EntryPart): string;
  /** The record's head: all of it but its parts and what they decide. */
  headText(record: MessageStatusRecord): string;
  /** A part's stored text back to the part; undefined when it is not a valid part of a `provider` record. */
  decodePart(provider: string, field: string, text: string): EntryPart | undefined;
  /** `record` holding `parts` (the `part` of EntryParts) instead of its own. */
  withParts(record: MessageStatusRecord, parts: readonly unknown[]): MessageStatusRecord;
  /** An entry's fields (HGETALL's object, or a script's flat list) to its answer; undefined for anything but a valid entry of this version. */
  decode(fields: Readonly<Record<string, string>> | readonly string[]): DecodedEntry | undefined;
  /** What the write script compares a field's stored text by (SHA-1 in hex, as Lua's redis.sha1hex). */
  fingerprint(text: string): string;
}

const head = z.object({ v: z.literal(ENTRY_VERSION), provider: z.string(), providerMessageId: z.string(), details: z.unknown() });
const partJson = z.object({ i: z.number().int().nonnegative(), p: z.unknown() });
const epochMs = (text: string | undefined) => (text !== undefined && /^\d{1,16}$/.test(text) ? Number(text) : undefined);

interface Layout {
  /** The provider's parts; undefined: the whole record is one part. */
  parts: RecordParts | undefined;
  details: z.ZodType<unknown, unknown>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `providers` give each provider's details schema and, for records of many messages, its parts. */
export function createEntryCodec(providers: readonly Pick<ProviderModule, 'key' | 'detailsSchema' | 'storedParts'>[], answers: AnswerCodec): EntryCodec {
  const layouts = new Map<string, Layout>(providers.map((p) => [p.key, { parts: p.storedParts, details: p.detailsSchema }]));
  const layoutOf = (provider: string) => layouts.get(provider);

  const codec: EntryCodec = {
    parts(record) {
      const parts = layoutOf(record.provider)?.parts;
      if (!parts) return [{ field: PART, part: record, index: 0 }];
      return parts.parts(record).map(([id, part], index) => ({ field: PART + id, part, index }));
    },
    partText: ({ part, index }) => JSON.stringify({ i: index, p: part }),
    headText(record) {
      const parts = layoutOf(record.provider)?.parts;
      const details = parts ? parts.withParts(record, []).details : null;
      return JSON.stringify({ v: ENTRY_VERSION, provider: record.provider, providerMessageId: record.providerMessageId, details });
    },
    decodePart(provider, field, text) {
      const layout = layoutOf(provider);
      const json = partJson.safeParse(parseJson(text));
      if (!layout || !json.success || !field.startsWith(PART)) return undefined;
      const part = (layout.parts ? layout.parts.partSchema : answers.record).safeParse(json.data.p);
      if (!part.success) return undefined;
      // A whole record is its one part, under the empty id, and about the head's provider.
      if (!layout.parts && (field !== PART || (part.data as MessageStatusRecord).provider !== provider)) return undefined;
      return { field, part: part.data, index: json.data.i };
    },
    withParts(record, parts) {
      const layout = layoutOf(record.provider)?.parts;
      if (layout) return layout.withParts(record, parts);
      return (parts[0] as MessageStatusRecord | undefined) ?? record;
    },
    decode(fields) {
      const map = Array.isArray(fields) ? pairs(fields as readonly string[]) : (fields as Readonly<Record<string, string>>);
      const checkedAt = epochMs(map[FIELDS.checkedAt]);
      const writes = map[FIELDS.writes] ?? '';
      const texts = new Map<string, string>();
      if (checkedAt === undefined) return undefined;
      if (map[FIELDS.kind] === '0') return { answer: { record: null, checkedAt }, texts, writes };
      const headText = map[FIELDS.head];
      const top = map[FIELDS.kind] === '1' && headText !== undefined ? head.safeParse(parseJson(headText)) : undefined;
      const layout = top?.success ? layoutOf(top.data.provider) : undefined;
      const fetchedAt = epochMs(map[FIELDS.fetchedAt]);
      if (!top?.success || !layout || fetchedAt === undefined) return undefined;
      const parts: EntryPart[] = [];
      for (const field in map) {
        if (!field.startsWith(PART)) continue;
        const part = codec.decodePart(top.data.provider, field, map[field]!);
        if (!part || parts.length === MAX_PARTS) return undefined;
        parts.push(part);
        texts.set(field, map[field]!);
      }
      parts.sort((a, b) => a.index - b.index || (a.field < b.field ? -1 : 1));
      if (!layout.parts) return parts.length === 1 ? { answer: { record: parts[0]!.part as MessageStatusRecord, checkedAt }, texts, writes } : undefined;
      const details = layout.details.safeParse(top.data.details);
      if (!details.success) return undefined;
      const { provider, providerMessageId } = top.data;
      const rest: MessageStatusRecord = { provider, providerMessageId, state: 'UNKNOWN', isFinal: false, fetchedAt: new Date(fetchedAt), details: details.data };
      return { answer: { record: layout.parts.withParts(rest, parts.map((p) => p.part)), checkedAt }, texts, writes };
    },
    fingerprint: (text) => createHash('sha1').update(text).digest('hex'),
  };
  return codec;
}

/** A flat list of field, value, field, value... (HGETALL in a script) as an object. */
function pairs(flat: readonly string[]): Record<string, string> {
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < flat.length; i += 2) map[flat[i]!] = flat[i + 1]!;
  return map;
}
