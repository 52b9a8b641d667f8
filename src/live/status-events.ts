import type { MessageStatusRecord } from '../domain/message-status.js';
import type { StatusService } from '../lookup/status-service.js';
import type { WebhookUpdate } from '../providers/provider.js';
import type { WebhookApplied } from './webhook-metrics.js';

/** What applying events needs of the status service. */
export type KnownStatuses = Pick<StatusService, 'lookup' | 'offer' | 'known'>;

/**
 * Applies provider-neutral updates from webhooks to what the service knows, always through the
 * status service's `offer` (the one status merge decides: never backwards, older changes
 * nothing). A patch for a message nothing is known about waits for one fetch of its record,
 * shared by every event for that id meanwhile, and is then applied onto the fetched record.
 */
export class StatusEvents {
  private readonly fetching = new Map<string, Promise<MessageStatusRecord | null>>();

  constructor(
    private readonly service: KnownStatuses,
    private readonly now: () => number = Date.now,
  ) {}

  /** `id` is canonical (the provider's parseId). Rejects only when a needed fetch failed. */
  async apply(provider: string, id: string, update: WebhookUpdate): Promise<WebhookApplied> {
    const now = this.now();
    // An event from the future (a skewed provider clock) would outrank every later answer.
    const observedAt = update.kind === 'fetch' ? now : Math.min(update.eventAt ?? now, now);
    switch (update.kind) {
      case 'record':
        return this.offer(provider, id, update.record(observedAt), observedAt);
      case 'fetch':
        return (await this.fetchOnce(provider, id)) === null ? 'not_found' : 'fetched';
      case 'patch': {
        const pending = this.fetching.get(`${provider}:${id}`);
        let known = pending ? await pending : this.service.known(provider, id);
        // Nothing known, or a "not found" the event contradicts: fetch the record (unless a fetch just answered).
        if (!pending && !known) known = await this.fetchOnce(provider, id);
        // After a fetch, what is known may hold more than the fetch answered (other events merged meanwhile).
        const base = this.service.known(provider, id) ?? known;
        if (!base) return 'not_found';
        return this.offer(provider, id, update.apply(base, observedAt), observedAt);
      }
    }
  }

  private offer(provider: string, id: string, record: MessageStatusRecord, observedAt: number): WebhookApplied {
    return this.service.offer(provider, id, record, observedAt).changed ? 'changed' : 'unchanged';
  }

  /** One fetch per id at a time, of an answer no older than the first event that asked for it. */
  private fetchOnce(provider: string, id: string): Promise<MessageStatusRecord | null> {
    const key = `${provider}:${id}`;
    let fetch = this.fetching.get(key);
    if (!fetch) {
      fetch = Promise.resolve(this.service.lookup(provider, id, this.now())).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetch);
    }
    return fetch;
  }
}
