import type { MessageStatusRecord } from '../domain/message-status.js';
import { mergeAnswers, mergeWholeRecords, type Answer, type RecordMerge } from '../domain/status-merge.js';
import type { DecodedEntry, EntryCodec, EntryPart } from './entry-format.js';
import type { EntryWrite, FieldWrite } from './entry-script.js';

/** One run of the write script, and what this replica meant for each part it sends (to merge with what another replica stored instead). */
export interface WritePlan extends EntryWrite {
  fields: FieldWrite[];
  /** By field: the part this replica holds, or undefined where it removed one. */
  mine: Map<string, EntryPart | undefined>;
  /** The record the parts belong to (a per-part merge compares records holding one part each). */
  record: MessageStatusRecord | null;
}

/** The parts of `record`, by field. */
const byField = (parts: readonly EntryPart[]) => new Map(parts.map((p) => [p.field, p]));

/** What differs between two lists of parts: parts changed or added (with the part they replace), and parts removed. */
export interface PartsDiff {
  changed: [part: EntryPart, prior: EntryPart | undefined][];
  removed: EntryPart[];
}

/**
 * The parts of `next` that are not the very objects `previous` held under their field (a merge
 * keeps every part it did not take as it was), and those of `previous` that `next` lacks.
 */
export function diffParts(previous: readonly EntryPart[], next: readonly EntryPart[]): PartsDiff {
  const changed: PartsDiff['changed'] = [];
  // Usually the same parts in the same order: compared in step, no map built.
  if (previous.length === next.length && next.every((p, i) => p.field === previous[i]!.field)) {
    next.forEach((p, i) => {
      if (p.part !== previous[i]!.part) changed.push([p, previous[i]]);
    });
    return { changed, removed: [] };
  }
  const old = byField(previous);
  for (const p of next) {
    const prior = old.get(p.field);
    old.delete(p.field);
    if (prior?.part !== p.part) changed.push([p, prior]);
  }
  return { changed, removed: [...old.values()] };
}

/**
 * Turns changes into writes of the shared entry (entry-format.ts), and settles the fields
 * another replica changed first: each by the status merge, one part against the other.
 */
export class EntryWriter {
  constructor(
    private readonly codec: EntryCodec,
    /** The most parts an entry may hold (MAX_MESSAGES_PER_RECORD + MAX_UNCONFIRMED_MESSAGES_PER_REPORT). */
    private readonly maxParts: number,
  ) {}

  /**
   * The whole answer: every part, each expected absent (as after a miss, the usual case: one
   * round trip). An entry of the other kind is replaced only while its write count is `writes`.
   */
  whole(after: Answer, ttlMs: number, writes = ''): WritePlan {
    const { record } = after;
    const plan = this.plan(after, ttlMs, { whole: true, writes, head: record ? this.codec.headText(record) : '' });
    if (record) for (const part of this.codec.parts(record)) this.send(plan, part.field, part, '');
    return plan;
  }

  /**
   * The change from `before` to `after`: the parts that are not the very objects they were
   * (a merge keeps every part it did not take as it was), parts removed, and the head if it
   * changed. Each is expected as `before` held it, or as `stored` texts say when given.
   */
  change(before: Answer, after: Answer, ttlMs: number, stored?: ReadonlyMap<string, string>): WritePlan {
    const [was, now] = [before.record, after.record];
    if (!was || !now) return this.whole(after, ttlMs);
    const headText = this.codec.headText(now);
    const plan = this.plan(after, ttlMs, { whole: false, writes: '', head: headText === this.codec.headText(was) ? '' : headText });
    const { changed, removed } = diffParts(this.codec.parts(was), this.codec.parts(now));
    const expected = (prior: EntryPart | undefined) => {
      const text = prior && (stored ? stored.get(prior.field) : this.codec.partText(prior));
      return text === undefined ? '' : this.codec.fingerprint(text);
    };
    for (const [part, prior] of changed) this.send(plan, part.field, part, expected(prior));
    for (const prior of removed) this.send(plan, prior.field, undefined, expected(prior));
    return plan;
  }

  /**
   * After the script answered `conflicts` (fields another replica changed first, with their
   * text now): each stored part merged with this replica's by `merge`. Undefined when what is
   * stored holds as much everywhere (nothing left to send).
   */
  resolve(plan: WritePlan, conflicts: readonly [string, string][], merge: RecordMerge | undefined): WritePlan | undefined {
    const { record } = plan;
    if (!record) return undefined;
    const next: WritePlan = { ...plan, whole: false, head: '', fields: [], mine: new Map() };
    for (const [field, text] of conflicts) {
      const mine = plan.mine.get(field);
      const stored = text === '' ? undefined : this.codec.decodePart(record.provider, field, text);
      const expected = text === '' ? '' : this.codec.fingerprint(text);
      let part: EntryPart | undefined = mine;
      if (stored) {
        const known = this.codec.withParts(record, [stored.part]);
        const incoming = this.codec.withParts(record, mine ? [mine.part] : []);
        const kept = this.codec.parts((merge ?? mergeWholeRecords)(known, incoming))[0];
        // What is stored holds as much: this replica's part is superseded.
        if (kept?.part === stored.part) continue;
        part = kept && { field, part: kept.part, index: mine?.index ?? stored.index };
      }
      // Absent on both sides (a removal another replica made too).
      if (!part && text === '') continue;
      this.send(next, field, part, expected);
    }
    return next.fields.length > 0 ? next : undefined;
  }

  /**
   * The entry holds the other kind (a record where this replica says "not found", or the
   * reverse): the whole stored answer merged with `after` by the status merge (a record wins
   * over not-found, except the parts that expire). Undefined when the entry holds as much.
   */
  againstStored(stored: DecodedEntry, after: Answer, merge: RecordMerge | undefined, ttlMs: number): WritePlan | undefined {
    const outcome = mergeAnswers(stored.answer, after.record, after.checkedAt, merge);
    const merged = outcome.answer;
    if (!outcome.changed && merged.checkedAt === stored.answer.checkedAt) return undefined;
    // Of the other kind than stored: a replace, conditional on the count of writes read.
    if ((merged.record === null) !== (stored.answer.record === null)) return this.whole(merged, ttlMs, stored.writes);
    return this.change(stored.answer, merged, ttlMs, stored.texts);
  }

  private plan(after: Answer, ttlMs: number, how: Pick<EntryWrite, 'whole' | 'writes' | 'head'>): WritePlan {
    const { record } = after;
    const fetchedAt = record ? record.fetchedAt.getTime() : 0;
    return {
      kind: record ? '1' : '0',
      ...how,
      checkedAt: after.checkedAt,
      fetchedAt,
      stamp: fetchedAt,
      ttlMs,
      maxParts: this.maxParts,
      fields: [],
      mine: new Map(),
      record,
    };
  }

  /** Adds `field` to `plan`: `part` written there (undefined: the field removed), if what is stored there has the fingerprint `expected`. */
  private send(plan: WritePlan, field: string, part: EntryPart | undefined, expected: string): void {
    plan.fields.push({ field, expected, text: part ? this.codec.partText(part) : '' });
    plan.mine.set(field, part);
  }
}
