import type { MessageStatusRecord } from '../domain/message-status.js';
import type { StatusService } from '../lookup/status-service.js';
import type { WebhookUpdate } from '../providers/provider.js';
import { RateLimiter } from '../security/rate-limit.js';
import type { WebhookApplied } from './webhook-metrics.js';

/** What applying events needs of the status service. */
export type KnownStatuses = Pick<StatusService, 'lookup' | 'offer' | 'known' | 'markStale'>;

export interface StatusEventsOptions {
  /** Upstream fetches webhook events may cause per minute, per provider (its webhook endpoint). */
  fetchesPerMinute: number;
  /** Hears each fetch an event needed but the budget did not allow. */
  fetchSkipped?(provider: string): void;
  now?: () => number;
}

/**
 * Applies provider-neutral updates from webhooks to what the service knows, always through the
 * status service's `offer` (the one status merge decides: never backwards, older changes
 * nothing, a part the provider never listed is held within the record's bounds).
 *
 * A patch for a message nothing is known about waits for one fetch of its record, shared by
 * every event for that id meanwhile (at most one fetch per id at a time), and is then applied
 * onto the fetched record. Fetches are budgeted per provider (`fetchesPerMinute`): past the
 * budget, or when the fetch fails or finds nothing, the patch is held by itself (its `alone`
 * record, unconfirmed) rather than lost, and a later GET completes it. A hint past the budget
 * marks what is known stale, so the next lookup or watcher poll fetches it instead.
 */
export class StatusEvents {
  private readonly fetching = new Map<string, Promise<MessageStatusRecord | null>>();
  private readonly budget: RateLimiter;
  private readonly now: () => number;

  constructor(
    private readonly service: KnownStatuses,
    private readonly options: StatusEventsOptions = { fetchesPerMinute: 600 },
  ) {
    this.now = options.now ?? Date.now;
    this.budget = new RateLimiter(options.fetchesPerMinute, this.now);
  }

  /** What is known about a message, fresh or not (no upstream call). */
  known(provider: string, id: string): MessageStatusRecord | null | undefined {
    return this.service.known(provider, id);
  }

  /** `id` is canonical (the provider's parseId). Rejects only when a needed fetch failed and nothing could be held instead. */
  async apply(provider: string, id: string, update: WebhookUpdate): Promise<WebhookApplied> {
    const receivedAt = this.now();
    // An event from the future (a skewed provider clock) would outrank every later answer.
    const observedAt = update.kind === 'fetch' ? receivedAt : Math.min(update.eventAt ?? receivedAt, receivedAt);
    switch (update.kind) {
      case 'record':
        return this.offer(provider, id, update.record(observedAt), observedAt);
      case 'fetch': {
        const fetch = this.fetchOnce(provider, id);
        if (!fetch) {
          this.service.markStale(provider, id);
          return 'deferred';
        }
        return (await fetch) === null ? 'not_found' : 'fetched';
      }
      case 'patch': {
        const pending = this.fetching.get(`${provider}:${id}`);
        let known: MessageStatusRecord | null | undefined = this.service.known(provider, id);
        let failure: unknown;
        // Nothing known, or a "not found" the event contradicts: fetch the record (or join the fetch under way).
        if (pending || !known) {
          const fetch = pending ?? this.fetchOnce(provider, id);
          if (fetch) known = await fetch.catch((error: unknown) => ((failure = error), undefined));
        }
        // After a fetch, what is known may hold more than the fetch answered (other events merged meanwhile).
        const base = this.service.known(provider, id) ?? known;
        if (base) return this.held(provider, id, update, this.offer(provider, id, update.apply(base, observedAt, receivedAt), observedAt));
        if (!update.alone) {
          if (failure !== undefined) throw failure;
          return 'not_found';
        }
        // No record to apply it to: hold the event by itself rather than lose it.
        const held = this.held(provider, id, update, this.offer(provider, id, update.alone(id, observedAt, receivedAt), observedAt));
        return held === 'changed' ? 'held' : held;
      }
    }
  }

  /** 'dropped' when nothing changed because the record has no room for the part the event names (its bounds). */
  private held(provider: string, id: string, update: Extract<WebhookUpdate, { kind: 'patch' }>, result: WebhookApplied): WebhookApplied {
    if (result !== 'unchanged' || !update.holding) return result;
    const known = this.service.known(provider, id);
    return known && !update.holding(known, Number.POSITIVE_INFINITY).listed ? 'dropped' : result;
  }

  private offer(provider: string, id: string, record: MessageStatusRecord, observedAt: number): WebhookApplied {
    return this.service.offer(provider, id, record, observedAt).changed ? 'changed' : 'unchanged';
  }

  /**
   * One fetch per id at a time, of an answer no older than the first event that asked for it;
   * undefined when the provider's fetch budget is spent (a joined fetch costs nothing).
   */
  private fetchOnce(provider: string, id: string): Promise<MessageStatusRecord | null> | undefined {
    const key = `${provider}:${id}`;
    let fetch = this.fetching.get(key);
    if (!fetch) {
      if (!this.budget.take(provider).ok) {
        this.options.fetchSkipped?.(provider);
        return undefined;
      }
      fetch = Promise.resolve(this.service.lookup(provider, id, this.now())).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetch);
    }
    return fetch;
  }
}
