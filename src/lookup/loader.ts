import DataLoader from 'dataloader';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { deadlineTimeout } from '../domain/provider-failure.js';
import type { ClientLookupSlots } from './client-slots.js';
import type { RequestDeadline } from './deadline.js';
import type { StatusService } from './status-service.js';

/** Checked before each distinct lookup of a request (the security layer's scope and budget); it throws to refuse. */
export type LookupGuard = (provider: string, id: string) => void;

export interface LoaderOptions {
  /** When this request began (epoch ms); `maxAge` counts back from it. */
  startedAt: number;
  deadline: RequestDeadline;
  /** Lookups of one batch in flight at once, per provider. */
  concurrency: number;
  guard?: LookupGuard;
  /** Travels with the upstream calls this request starts (its scope, for metrics and spans). */
  trace?: unknown;
  /** The caller's share of upstream lookups, shared by all its requests (LOOKUPS_IN_FLIGHT_PER_CLIENT). */
  slots?: { shared: ClientLookupSlots; clientId: string };
}

/**
 * Per-request loaders, one DataLoader per provider and freshness demand.
 * Every path that needs a record (root fields, batches, node, _entities) goes
 * through `load`, so repeated ids in one request are fetched once and lookups
 * made in the same tick are batched. Every lookup carries this request's deadline.
 */
export class StatusLoader {
  private readonly loaders = new Map<string, DataLoader<string, MessageStatusRecord | null>>();

  constructor(
    private readonly service: StatusService,
    private readonly options: LoaderOptions,
  ) {}

  /**
   * `id` must already be in the provider's canonical form (see ProviderModule.parseId).
   * `maxAgeSeconds`: do not answer with data obtained more than this long before the request began.
   */
  load(provider: string, id: string, maxAgeSeconds?: number): Promise<MessageStatusRecord | null> {
    try {
      this.options.guard?.(provider, id);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.loaderFor(provider, maxAgeSeconds).load(id);
  }

  private loaderFor(provider: string, maxAgeSeconds: number | undefined): DataLoader<string, MessageStatusRecord | null> {
    const key = maxAgeSeconds === undefined ? provider : `${provider}:${maxAgeSeconds}`;
    let loader = this.loaders.get(key);
    if (!loader) {
      const notBefore = maxAgeSeconds === undefined ? undefined : this.options.startedAt - maxAgeSeconds * 1000;
      // Errors are returned, not thrown: each id gets its own outcome.
      loader = new DataLoader((ids) => Promise.all(this.fanOut(provider, ids, notBefore)), { cache: true });
      this.loaders.set(key, loader);
    }
    return loader;
  }

  /** One promise per id; at most `concurrency` of them waiting upstream at once. */
  private fanOut(provider: string, ids: readonly string[], notBefore: number | undefined): (MessageStatusRecord | null | Error | Promise<MessageStatusRecord | null | Error>)[] {
    const { concurrency, deadline, trace, slots } = this.options;
    const lookup = (id: string) => {
      // Its turn came after this request's deadline: nothing is asked for nobody.
      if (deadline.expired) return deadlineTimeout(provider);
      const answer = this.service.lookup(provider, id, notBefore, trace);
      return answer instanceof Promise ? deadline.settled(answer, provider) : answer;
    };
    const one = (id: string) => {
      if (!slots) return lookup(id);
      let started = false;
      const answer = slots.shared.run(slots.clientId, () => {
        started = true;
        return lookup(id);
      });
      // Waiting for a slot counts against this request's deadline too. A lookup that had its slot
      // at once is guarded already (by `lookup`, which never rejects): no second guard (issue 25).
      return answer instanceof Promise && !started ? deadline.settled(answer, provider) : answer;
    };
    if (ids.length <= concurrency) return ids.map(one);
    // A big batch: a small worker pool, so one request cannot take every upstream slot at once.
    const results: Promise<MessageStatusRecord | null | Error>[] = new Array<Promise<MessageStatusRecord | null | Error>>(ids.length);
    const settle = new Array<(value: MessageStatusRecord | null | Error) => void>(ids.length);
    for (let i = 0; i < ids.length; i += 1) results[i] = new Promise((resolve) => (settle[i] = resolve));
    let next = 0;
    const work = async () => {
      while (next < ids.length) {
        const i = next++;
        settle[i]!(await one(ids[i]!));
      }
    };
    for (let w = 0; w < concurrency; w += 1) void work();
    return results;
  }
}
