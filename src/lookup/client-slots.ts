/**
 * Upstream lookups one client may have in flight at once, across all its requests
 * (LOOKUPS_IN_FLIGHT_PER_CLIENT). Without it one key's concurrent requests filled a provider's
 * bulkhead queue (30 requests of 100 fresh ids against a provider answering in 150 ms: queue
 * full, another key's 5 lookups all UNAVAILABLE within 3 ms). A client past its share waits
 * here, in its own queue, within its requests' deadlines; the bulkhead stays shared by clients.
 * An entry exists only while a client has a lookup running or waiting.
 */
export class ClientLookupSlots {
  private readonly clients = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly perClient: number) {}

  /** Clients with a lookup running or waiting now. */
  get size(): number {
    return this.clients.size;
  }

  /** Calls `start` once `clientId` has a free slot; the slot is held until what `start` returns settles (a value at once). */
  run<T>(clientId: string, start: () => T | Promise<T>): T | Promise<T> {
    let client = this.clients.get(clientId);
    if (!client) this.clients.set(clientId, (client = { active: 0, waiting: [] }));
    const held = client;
    const release = () => {
      held.active -= 1;
      const next = held.waiting.shift();
      if (next) next();
      else if (held.active === 0 && this.clients.get(clientId) === held) this.clients.delete(clientId);
    };
    const begin = (): T | Promise<T> => {
      held.active += 1;
      let result: T | Promise<T>;
      try {
        result = start();
      } catch (error) {
        release();
        throw error;
      }
      if (!(result instanceof Promise)) {
        release();
        return result;
      }
      return result.finally(release);
    };
    if (held.active < this.perClient) return begin();
    return new Promise<T>((resolve, reject) => {
      held.waiting.push(() => {
        try {
          void Promise.resolve(begin()).then(resolve, reject);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }
}
