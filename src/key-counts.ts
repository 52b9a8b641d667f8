/**
 * A count per key that keeps no entry for a key at zero: a map of what each client (or
 * address) holds never grows with clients that left. Keys iterate in the order they first got
 * a count.
 */
export class KeyCounts<K = string> {
  private readonly counts = new Map<K, number>();

  /** Keys with a count above zero. */
  get size(): number {
    return this.counts.size;
  }

  get(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  /** Adds one; the new count. */
  add(key: K): number {
    const count = this.get(key) + 1;
    this.counts.set(key, count);
    return count;
  }

  /** Takes one away (a key at zero stays at zero); the new count. */
  remove(key: K): number {
    const count = this.get(key) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
    return Math.max(0, count);
  }

  keys(): IterableIterator<K> {
    return this.counts.keys();
  }

  clear(): void {
    this.counts.clear();
  }
}
