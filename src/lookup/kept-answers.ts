import type { RecordMerge } from '../domain/status-merge.js';
import type { KeepResult, KeptEntry, KeptJournal, KeptPart } from './kept-part.js';

interface Entry {
  provider: string;
  id: string;
  parts: Map<string, KeptPart>;
  /** When its GET is due (epoch ms); a claim moves it to the end of the claimer's lease. */
  dueAt: number;
}

/**
 * The kept parts of this process (see KeptPart), by the status service's key
 * (`provider:id`), at most `maxParts` in all. They are what a webhook promised: the status
 * service merges them back when its cache has dropped their record (`of`), and, without Redis,
 * this is also the journal of GETs to retry (KeptJournal). With Redis the journal is there, and
 * this holds a copy of the parts this process received or retried, for the cache (never due
 * here), and the parts Redis could not take.
 */
export class KeptAnswers implements KeptJournal {
  private readonly entries = new Map<string, Entry>();
  /** Keys an event made due, claimed first (a claim need not look at every entry for them). */
  private readonly dueSoon = new Set<string>();
  private parts = 0;
  /** No entry is due before this: a claim looks at every entry only once one may be. */
  private earliestDue = Number.POSITIVE_INFINITY;

  constructor(
    private readonly maxParts: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Parts kept in all. */
  get size(): number {
    return this.parts;
  }

  /** The unexpired parts kept for `key`; undefined when none (a map lookup: the status service asks on each cache miss). */
  of(key: string): KeptPart[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    const parts: KeptPart[] = [];
    for (const part of entry.parts.values()) if (part.expiresAt > now) parts.push(part);
    return parts.length > 0 ? parts : undefined;
  }

  /** Whether `keepNow` of this part would keep it: under the bound, or a part kept already (merged into its place). */
  hasRoom(provider: string, id: string, part: string): boolean {
    return this.parts < this.maxParts || this.entries.get(`${provider}:${id}`)?.parts.has(part) === true;
  }

  keep(provider: string, id: string, part: KeptPart, merge: RecordMerge, dueAt: number): Promise<KeepResult> {
    return Promise.resolve(this.keepNow(provider, id, part, merge, dueAt));
  }

  /** `keep`, synchronously (this process's own store). */
  keepNow(provider: string, id: string, part: KeptPart, merge: RecordMerge, dueAt: number): KeepResult {
    const key = `${provider}:${id}`;
    let entry = this.entries.get(key);
    const before = entry?.parts.get(part.part);
    if (!before && this.parts >= this.maxParts) return { outcome: 'full' };
    if (!entry) {
      entry = { provider, id, parts: new Map(), dueAt };
      this.entries.set(key, entry);
    }
    const kept = before ? mergeParts(before, part, merge) : part;
    entry.parts.set(part.part, kept);
    if (!before) this.parts += 1;
    entry.dueAt = Math.min(entry.dueAt, dueAt);
    this.earliestDue = Math.min(this.earliestDue, entry.dueAt);
    if (dueAt <= this.now()) this.dueSoon.add(key);
    return { outcome: 'kept', part: kept };
  }

  claim(now: number, limit: number, leaseUntil: number): Promise<KeptEntry[]> {
    const claimed: KeptEntry[] = [];
    const take = (key: string, entry: Entry) => {
      this.dueSoon.delete(key);
      entry.dueAt = leaseUntil;
      claimed.push({ provider: entry.provider, id: entry.id, parts: [...entry.parts.values()] });
    };
    for (const key of this.dueSoon) {
      if (claimed.length >= limit) break;
      const entry = this.entries.get(key);
      if (entry && entry.dueAt <= now) take(key, entry);
      else this.dueSoon.delete(key);
    }
    if (claimed.length < limit && now >= this.earliestDue) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const [key, entry] of this.entries) {
        if (entry.dueAt <= now && claimed.length < limit) take(key, entry);
        earliest = Math.min(earliest, entry.dueAt);
      }
      this.earliestDue = earliest;
    }
    return Promise.resolve(claimed);
  }

  settle(claimed: KeptEntry, done: readonly KeptPart[], dueAt: number, leaseUntil: number): Promise<void> {
    this.settleNow(`${claimed.provider}:${claimed.id}`, done, dueAt, leaseUntil);
    return Promise.resolve();
  }

  /** `settle`, synchronously (`leaseUntil` -Infinity: the due time stays as it is). */
  settleNow(key: string, done: readonly KeptPart[], dueAt: number, leaseUntil: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    for (const part of done) {
      // Only the very version claimed: one kept again since (a newer event) stays.
      if (entry.parts.get(part.part) === part) {
        entry.parts.delete(part.part);
        this.parts -= 1;
      }
    }
    if (entry.parts.size === 0) {
      this.entries.delete(key);
      this.dueSoon.delete(key);
      return;
    }
    // An event kept since the claim made it due sooner: that stands.
    if (entry.dueAt >= leaseUntil) entry.dueAt = dueAt;
    this.earliestDue = Math.min(this.earliestDue, entry.dueAt);
  }

  /**
   * Forgets the parts of `key` that `isDone` says the provider has shown (its GET answered
   * elsewhere than through this journal: the Redis journal's claim); the rest stay.
   */
  forget(key: string, isDone: (part: KeptPart) => boolean): void {
    const entry = this.entries.get(key);
    if (entry) this.settleNow(key, [...entry.parts.values()].filter(isDone), entry.dueAt, Number.NEGATIVE_INFINITY);
  }

  /** Drops every part whose time is up (UNCONFIRMED_MESSAGE_TTL_MS after its receipt) and says how many; O(entries), once a second at most. */
  sweep(now: number): number {
    const before = this.parts;
    for (const [key, entry] of this.entries) {
      for (const [name, part] of entry.parts) {
        if (part.expiresAt > now) continue;
        entry.parts.delete(name);
        this.parts -= 1;
      }
      if (entry.parts.size === 0) {
        this.entries.delete(key);
        this.dueSoon.delete(key);
      }
    }
    return before - this.parts;
  }
}

/** Two versions of one part: the record the status merge prefers, and the later of their times. */
export function mergeParts(before: KeptPart, incoming: KeptPart, merge: RecordMerge): KeptPart {
  const record = merge(before.record, incoming.record);
  return {
    part: before.part,
    record,
    observedAt: record === before.record ? before.observedAt : incoming.observedAt,
    receivedAt: Math.max(before.receivedAt, incoming.receivedAt),
    expiresAt: Math.max(before.expiresAt, incoming.expiresAt),
  };
}
