/**
 * Waiters served in turn across owners (clients): one FIFO queue per owner, and the next one
 * served comes from the owner after the last one served. An owner with nothing waiting has no
 * entry, so the map never outlives its waiters. One owner with 1,000 waiting delays another's
 * next one by at most one turn, not 1,000.
 */
export class FairQueue<T extends { readonly owner: string }> {
  /** Owners with waiters, in turn order (a Map keeps insertion order): the first is served next. */
  private readonly byOwner = new Map<string, T[]>();
  private count = 0;

  /** Waiters across every owner. */
  get length(): number {
    return this.count;
  }

  /** Owners with something waiting now. */
  get owners(): number {
    return this.byOwner.size;
  }

  /** At the back of its owner's queue; an owner new to the queue takes its turn after those already waiting. */
  push(waiter: T): void {
    const queue = this.byOwner.get(waiter.owner);
    if (queue) queue.push(waiter);
    else this.byOwner.set(waiter.owner, [waiter]);
    this.count += 1;
  }

  /** The next owner's oldest waiter; that owner goes to the back of the turn order. */
  shift(): T | undefined {
    for (const [owner, queue] of this.byOwner) {
      const next = queue.shift()!;
      this.byOwner.delete(owner);
      if (queue.length > 0) this.byOwner.set(owner, queue);
      this.count -= 1;
      return next;
    }
    return undefined;
  }

  /** Whether `waiter` is waiting now. */
  includes(waiter: T): boolean {
    return this.byOwner.get(waiter.owner)?.includes(waiter) ?? false;
  }

  /** Whether `waiter` was waiting; it is not any more. Its owner keeps its turn. */
  remove(waiter: T): boolean {
    const queue = this.byOwner.get(waiter.owner);
    const at = queue ? queue.indexOf(waiter) : -1;
    if (at < 0) return false;
    queue!.splice(at, 1);
    if (queue!.length === 0) this.byOwner.delete(waiter.owner);
    this.count -= 1;
    return true;
  }
}
