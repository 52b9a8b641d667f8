/**
 * The keys of the events applied lately, bounded (the oldest is forgotten first), so an event a
 * provider delivers twice (retries, at-least-once delivery) is applied once.
 */
export class RecentEvents {
  private readonly keys = new Set<string>();

  constructor(private readonly max = 10_000) {}

  /** True the first time `key` is seen (and remembers it); false for a repeat. */
  firstTime(key: string): boolean {
    if (this.keys.has(key)) return false;
    if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value!);
    this.keys.add(key);
    return true;
  }

  /** Forgets `key`, so a redelivery is applied (the first delivery could not be). */
  forget(key: string): void {
    this.keys.delete(key);
  }
}
