import { ProviderFailure } from './domain/provider-failure.js';

interface Flight<T> {
  promise: Promise<T>;
  startedAt: number;
}

/**
 * Upstream calls in progress, by key, shared by every request that needs the
 * same answer. A call leaves the map when it settles, so a later request
 * starts a fresh one (or finds the answer in the cache).
 */
export class InFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Joins the call for `key` started at or after `notBefore` (telling `onJoin`), or starts one with `start`. */
  run(key: string, notBefore: number, start: () => Promise<T>, onJoin?: () => void): Promise<T> {
    const existing = this.flights.get(key);
    if (existing && existing.startedAt >= notBefore) {
      onJoin?.();
      return existing.promise;
    }
    const startedAt = Date.now();
    const flight: Flight<T> = { promise: start(), startedAt };
    this.flights.set(key, flight);
    const leave = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.promise.then(leave, leave);
    return flight.promise;
  }

  get size(): number {
    return this.flights.size;
  }
}

/**
 * `promise`, or a TIMEOUT failure as soon as this caller's `signal` aborts.
 * The shared call itself goes on for the other callers.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, provider: string): Promise<T> {
  if (!signal) return promise;
  const timedOut = () => new ProviderFailure({ provider, code: 'TIMEOUT', message: `${provider} did not answer before the request deadline` });
  if (signal.aborted) return Promise.reject(timedOut());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
