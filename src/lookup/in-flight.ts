import type { PollTicket } from './policy/poll-ticket.js';

export interface Flight<T> {
  readonly promise: Promise<T>;
  startedAt: number;
  /** Set when a watcher poll started the call: an interactive lookup that joins it promotes it. */
  readonly poll: PollTicket | undefined;
}

/**
 * Upstream calls in progress, by key, shared by every request that needs the
 * same answer. A call leaves the map when it settles, so a later request
 * starts a fresh one (or finds the answer in the cache).
 */
export class InFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** The call for `key` started at or after `notBefore`, if any. */
  join(key: string, notBefore: number): Flight<T> | undefined {
    const existing = this.flights.get(key);
    return existing && existing.startedAt >= notBefore ? existing : undefined;
  }

  /** Starts the call for `key` (replacing an older one in the map, which still runs for its callers). */
  start(key: string, startedAt: number, call: () => Promise<T>, poll?: PollTicket): Promise<T> {
    const promise = call();
    const flight: Flight<T> = { promise, startedAt, poll };
    this.flights.set(key, flight);
    const leave = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(leave, leave);
    return promise;
  }

  /** The flight started as `promise` now guarantees data observed from `startedAt` on (it went upstream). */
  upgrade(key: string, promise: Promise<T>, startedAt: number): void {
    const flight = this.flights.get(key);
    if (flight?.promise === promise) flight.startedAt = startedAt;
  }

  get size(): number {
    return this.flights.size;
  }
}
