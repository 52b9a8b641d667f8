import { LRUCache } from 'lru-cache';
import type { MessageStatusRecord } from './domain/message-status.js';
import type { CacheSettings } from './resilience/settings.js';

/** A provider's answer as kept: the record, or null for "not found", and when it was obtained. */
export interface CachedAnswer {
  record: MessageStatusRecord | null;
  fetchedAt: number;
}

/**
 * Provider answers shared by every request, bounded by entry count (LRU).
 * Lifetimes follow finality: a final state will not change, a moving one
 * will, "not found" may soon be found. Failures are never stored.
 */
export class StatusCache {
  private readonly lru: LRUCache<string, CachedAnswer> | undefined;

  constructor(private readonly settings: CacheSettings) {
    this.lru = settings.maxEntries > 0 ? new LRUCache<string, CachedAnswer>({ max: settings.maxEntries, ttlAutopurge: false }) : undefined;
  }

  /** The answer for `key` obtained after `notBefore` (epoch ms), if one is still alive. */
  get(key: string, notBefore: number): CachedAnswer | undefined {
    const answer = this.lru?.get(key);
    // Strictly after: with maxAge 0, an answer from the very millisecond the request began may predate it.
    return answer && answer.fetchedAt > notBefore ? answer : undefined;
  }

  set(key: string, answer: CachedAnswer): void {
    if (!this.lru) return;
    const ttl = answer.record === null ? this.settings.notFoundTtlMs : answer.record.isFinal ? this.settings.finalTtlMs : this.settings.movingTtlMs;
    // An older answer must not replace a newer one (two calls may finish out of order).
    const current = this.lru.get(key);
    if (current && current.fetchedAt > answer.fetchedAt) return;
    this.lru.set(key, answer, { ttl });
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
