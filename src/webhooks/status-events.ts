import type { MessageStatusRecord } from '../domain/message-status.js';
import { mergeWholeRecords, type RecordMerge } from '../domain/status-merge.js';
import type { KeptAnswers } from '../lookup/kept-answers.js';
import type { KeptEntry, KeptJournal, KeptPart } from '../lookup/kept-part.js';
import type { StatusService } from '../lookup/status-service.js';
import type { WebhookUpdate } from '../providers/provider.js';
import type { RateLimiter } from '../security/rate-limit.js';
import type { WebhookApplied } from './metrics.js';

/** What applying events needs of the status service. */
export type KnownStatuses = Pick<StatusService, 'lookup' | 'offerStored' | 'known' | 'markStale'>;

export interface StatusEventsOptions {
  service: KnownStatuses;
  /** This process's kept parts (its journal without Redis). */
  local: KeptAnswers;
  /** The deployment's journal of kept parts (Redis), when there is one. */
  shared?: KeptJournal;
  /** The status merge of each provider whose records have parts (D7); others merge whole records. */
  merges: ReadonlyMap<string, RecordMerge>;
  /** UNCONFIRMED_MESSAGE_TTL_MS: how long a part is kept while its provider does not show it. */
  keptForMs: number;
  /**
   * Told when a part was kept, so that its record's GET is tried now: in Redis (`leased`: the
   * version kept there, this replica's until `leaseUntil`), or in this process's journal.
   */
  kept(entry: KeptEntry, leased?: { leaseUntil: number }): void;
  /** How long the receiver of an event holds its GET before the other replicas may take it over. */
  leaseMs: number;
  /** WEBHOOK_FETCHES_PER_MINUTE, per provider: the fetches a Betatel hint may cause. */
  budget: Pick<RateLimiter, 'take'>;
  /** Hears each fetch an event needed but the budget did not allow. */
  fetchSkipped?(provider: string): void;
  now?: () => number;
}

/**
 * How an accepted event was stored, decided before it is answered: as promised (202), only in
 * this process because Redis did not take it (the provider is asked to send it again), or not at
 * all because the kept parts are at their bound (nothing applied; sent again later).
 */
export type Stored = { outcome: 'stored' | 'not_stored'; applied: WebhookApplied } | { outcome: 'kept_full' };

/**
 * Applies provider-neutral updates from webhooks to what the service knows, always through the
 * status service (the one status merge decides: never backwards, older changes nothing, a part
 * the provider never listed is held within the record's bounds).
 *
 * A whole record, or a part of a record, is applied and stored before the event is answered
 * (`store`): in Redis, when there is one, so that every replica, and one restarted, has it. A
 * part of a record the provider's GET has not confirmed (nothing is known of the record yet, the
 * GET failed or found nothing, or it does not list the part) is applied as a partial record and
 * kept (KeptPart) until the provider's GET shows it; its GET is retried with backoff
 * (KeptCompleter) and completes the record through the status merge. A body that only hints at a
 * change (`fetch`) is fetched after the answer, once per id at a time, within the budget.
 */
export class StatusEvents {
  private readonly fetching = new Map<string, Promise<MessageStatusRecord | null>>();
  private readonly now: () => number;

  constructor(private readonly options: StatusEventsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** What is known about a message, fresh or not (no upstream call). */
  known(provider: string, id: string): MessageStatusRecord | null | undefined {
    return this.options.service.known(provider, id);
  }

  /** Applies and stores a record or a part before the answer. `id` is canonical (the provider's parseId). */
  async store(provider: string, id: string, update: Exclude<WebhookUpdate, { kind: 'fetch' }>): Promise<Stored> {
    const { service, local, shared } = this.options;
    const receivedAt = this.now();
    // An event from the future (a skewed provider clock) would outrank every later answer.
    const observedAt = Math.min(update.eventAt ?? receivedAt, receivedAt);
    if (update.kind === 'record') {
      const { outcome, stored } = await service.offerStored(provider, id, update.record(observedAt), observedAt);
      return { outcome: stored ? 'stored' : 'not_stored', applied: outcome.changed ? 'changed' : 'unchanged' };
    }

    const known = service.known(provider, id);
    const confirmed = known ? (update.holding?.(known, Number.POSITIVE_INFINITY).confirmed ?? true) : false;
    const merge = this.options.merges.get(provider) ?? mergeWholeRecords;
    let part: KeptPart | undefined;
    let inRedis: KeptPart | undefined;
    const leaseUntil = receivedAt + this.options.leaseMs;
    if (!confirmed) {
      part = { part: update.part, record: update.alone(id, observedAt, receivedAt), observedAt, receivedAt, expiresAt: receivedAt + this.options.keptForMs };
      if (shared) {
        // This replica tries its GET now; the others take it over if this one dies first.
        const kept = await shared.keep(provider, id, part, merge, leaseUntil);
        if (kept.outcome === 'full') return { outcome: 'kept_full' };
        if (kept.outcome === 'kept') inRedis = kept.part;
      }
      if (!inRedis && !local.hasRoom(provider, id, part.part)) return { outcome: 'kept_full' };
    }
    // Read again after the wait: other events may have been applied meanwhile.
    const base = service.known(provider, id);
    const record = base ? update.apply(base, observedAt, receivedAt) : update.alone(id, observedAt, receivedAt);
    // Merged, published and sent to Redis at once; only the wait for Redis's answer is below.
    const offered = service.offerStored(provider, id, record, observedAt);
    if (part) {
      // Kept here after the offer, so that the offer is what tells the subscribers. Without
      // Redis (or when it did not take it) this is the journal; with it, this process's copy.
      const here = local.keepNow(provider, id, part, merge, inRedis ? Number.POSITIVE_INFINITY : receivedAt);
      if (inRedis) this.options.kept({ provider, id, parts: [inRedis] }, { leaseUntil });
      else if (here.outcome === 'kept') this.options.kept({ provider, id, parts: [here.part] });
    }
    const { outcome, stored } = await offered;
    const applied = part ? 'kept' : outcome.changed ? 'changed' : 'unchanged';
    // A kept part is as safe as its journal: Redis, or this process when there is no Redis.
    const promised = part ? inRedis !== undefined || !shared : stored;
    return { outcome: promised ? 'stored' : 'not_stored', applied };
  }

  /** A hint that a record changed: fetched once per id at a time (after the answer). Rejects when the fetch failed. */
  async fetch(provider: string, id: string): Promise<WebhookApplied> {
    const fetch = this.fetchOnce(provider, id);
    if (!fetch) {
      this.options.service.markStale(provider, id);
      return 'deferred';
    }
    try {
      return (await fetch) === null ? 'not_found' : 'fetched';
    } catch (error) {
      // Whatever changed is still to be fetched: the next lookup or watcher poll does.
      this.options.service.markStale(provider, id);
      throw error;
    }
  }

  /**
   * One fetch per id at a time, of an answer no older than the first event that asked for it;
   * undefined when the provider's fetch budget is spent (a joined fetch costs nothing).
   */
  private fetchOnce(provider: string, id: string): Promise<MessageStatusRecord | null> | undefined {
    const key = `${provider}:${id}`;
    let fetch = this.fetching.get(key);
    if (!fetch) {
      if (!this.options.budget.take(provider).ok) {
        this.options.fetchSkipped?.(provider);
        return undefined;
      }
      fetch = Promise.resolve(this.options.service.lookup(provider, id, this.now())).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetch);
    }
    return fetch;
  }
}
