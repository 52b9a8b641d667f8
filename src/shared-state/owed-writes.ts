import type { SharedWrite } from '../lookup/shared-tier.js';
import { recordBytes } from '../lookup/record-size.js';

/** Most keys, and bytes of records (by the process cache's estimate), held for writes Redis has not taken yet. */
export const OWED_LIMITS = { keys: 10_000, bytes: 16 * 1024 * 1024 } as const;

/**
 * Changes this replica could not store in Redis yet (Redis did not answer, or other replicas
 * kept changing the same parts for the whole retry window), by key: the latest change of each
 * (it holds every earlier one, the status merge being monotone), to send again whole. Bounded
 * by key count and by the bytes of the records held; past either, the oldest is let go (that
 * key's next change, or another replica's, or the entry's lifetime then brings Redis up to date).
 */
export class OwedWrites {
  private readonly writes = new Map<string, { write: SharedWrite; bytes: number }>();
  private totalBytes = 0;

  constructor(
    private readonly limits: { keys: number; bytes: number } = OWED_LIMITS,
    /** Hears each owed change let go to stay within the limits. */
    private readonly onDropped?: () => void,
  ) {}

  get size(): number {
    return this.writes.size;
  }

  get(key: string): SharedWrite | undefined {
    return this.writes.get(key)?.write;
  }

  /** Owes `write` for `key`, in place of an earlier one. */
  owe(key: string, write: SharedWrite): void {
    this.forget(key);
    const bytes = write.after.record ? recordBytes(write.after.record) : 0;
    // Sent again whole: what was known before it is not needed (nor held).
    this.writes.set(key, { write: write.before ? { ...write, before: undefined } : write, bytes });
    this.totalBytes += bytes;
    for (const [oldest] of this.writes) {
      if (this.writes.size <= this.limits.keys && this.totalBytes <= this.limits.bytes) break;
      this.forget(oldest);
      this.onDropped?.();
    }
  }

  /** No longer owes `key`'s change, if it is still `write` (a later one may have failed since). */
  paid(key: string, write: SharedWrite): void {
    if (this.writes.get(key)?.write === write) this.forget(key);
  }

  /** Up to `count` owed changes, oldest first. */
  oldest(count: number): [key: string, write: SharedWrite][] {
    const some: [string, SharedWrite][] = [];
    for (const [key, { write }] of this.writes) {
      if (some.length === count) break;
      some.push([key, write]);
    }
    return some;
  }

  private forget(key: string): void {
    const held = this.writes.get(key);
    if (!held) return;
    this.writes.delete(key);
    this.totalBytes -= held.bytes;
  }
}
