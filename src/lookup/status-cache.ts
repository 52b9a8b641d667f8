import { LRUCache } from 'lru-cache';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { mergeAnswers, type Answer, type MergeOutcome, type RecordMerge } from '../domain/status-merge.js';
import { recordBytes } from './record-size.js';
import type { CacheSettings } from './settings.js';

interface Entry extends Answer {
  /** Served until then (epoch ms); after it the entry is still what new answers merge against. */
  freshUntil: number;
}

/** CACHE_MAX_BYTES's default. */
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;

// An entry's own fields and its key, besides its record.
const ENTRY_BYTES = 160;

/**
 * What this process knows about each message, shared by every request, bounded by entry
 * count and by bytes (LRU; each record's size estimated by record-size.ts, once per record
 * object). A record larger than the whole byte bound is not kept. Every answer goes in through `merge` (domain/status-merge.ts), so an answer
 * that arrives late or goes backwards never replaces a newer or more advanced one.
 *
 * An entry is served while fresh; lifetimes follow finality (a final state will not change,
 * a moving one will, "not found" may soon be found). Past its lifetime it is not served but
 * stays as the floor new answers merge against, until the LRU drops it. Failures are never
 * stored. With maxEntries 0 nothing is kept: no cache, and no merge either.
 */
export class StatusCache {
  private readonly lru: LRUCache<string, Entry> | undefined;

  constructor(private readonly settings: CacheSettings) {
    this.lru =
      settings.maxEntries > 0
        ? new LRUCache<string, Entry>({
            max: settings.maxEntries,
            maxSize: settings.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
            // Paid per set (an answer merged), never per hit.
            sizeCalculation: (entry, key) => ENTRY_BYTES + key.length * 2 + (entry.record ? recordBytes(entry.record) : 0),
          })
        : undefined;
  }

  /** The answer for `key`, if one is fresh and was checked after `notBefore` (epoch ms). */
  get(key: string, notBefore: number, now = Date.now()): Answer | undefined {
    const entry = this.lru?.get(key);
    // Strictly after: with maxAge 0, an answer from the very millisecond the request began may predate it.
    return entry && entry.freshUntil > now && entry.checkedAt > notBefore ? entry : undefined;
  }

  /** Every key held now. */
  keys(): IterableIterator<string> {
    return this.lru ? this.lru.keys() : [].values();
  }

  /** What is known for `key`, fresh or not (no upstream call is implied). */
  known(key: string): Answer | undefined {
    return this.lru?.get(key);
  }

  /** Merges an answer observed at `observedAt` and returns what is known afterwards. */
  merge(key: string, record: MessageStatusRecord | null, observedAt: number, rule?: RecordMerge): MergeOutcome {
    const current = this.lru?.get(key);
    const outcome = mergeAnswers(current, record, observedAt, rule);
    if (this.lru) {
      const { answer } = outcome;
      const ttl = this.lifetimeOf(answer);
      // Lifetimes count from the newest observation, so a late, older answer extends nothing.
      this.lru.set(key, { record: answer.record, checkedAt: answer.checkedAt, freshUntil: answer.checkedAt + ttl });
    }
    return outcome;
  }

  /** How long an answer is served: by finality (a final state will not change, a moving one will, not-found may soon be found). */
  lifetimeOf(answer: Answer): number {
    return answer.record === null ? this.settings.notFoundTtlMs : answer.record.isFinal ? this.settings.finalTtlMs : this.settings.movingTtlMs;
  }

  /** Makes what is known for `key` not fresh, so the next lookup goes upstream; it stays the merge floor. */
  markStale(key: string): void {
    const entry = this.lru?.peek(key);
    if (entry) entry.freshUntil = Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }

  /** The bytes the entries hold, by the cache's estimate (at most CACHE_MAX_BYTES). */
  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }
}
