import type { MessageStatusRecord } from '../domain/message-status.js';
import { ProviderFailure } from '../domain/provider-failure.js';
import { mergeAnswers, type Answer, type MergeOutcome, type RecordMerge } from '../domain/status-merge.js';
import { isNews } from '../domain/news.js';
import type { ProviderClient } from '../providers/provider.js';
import { InFlight } from './in-flight.js';
import { notConfigured } from './not-configured.js';
import type { KeptPart } from './kept-part.js';
import type { SharedTier } from './shared-tier.js';
import { INTERACTIVE, LANE_NAMES, POLL } from './policy/bulkhead.js';
import type { PollTicket } from './policy/poll-ticket.js';
import { createProviderPolicy, type ProviderPolicy } from './policy/provider-policy.js';
import type { AdaptiveLimitSettings, CacheSettings, ResilienceSettings } from './settings.js';
import { StatusCache } from './status-cache.js';

/** How long after its first wait for another replica's answer a lookup may claim and wait again (one short call's time). */
const WAIT_AGAIN_WITHIN_MS = 1_000;

/** What the service needs to know of a provider besides its client. */
export interface ProviderRules {
  /** Canonical form of a valid id (the providers' own `parseId`): answers must be about the id asked for. */
  parseId(raw: string): string | undefined;
  /** The provider's status merge (D7: per message); undefined compares whole records. */
  mergeRecords?: RecordMerge;
}

/** Counters of one provider, bound once so the hot path pays an increment, not a label lookup. */
export interface ProviderLookupMetrics {
  cacheHit(): void;
  cacheMiss(): void;
  /** A lookup that joined an identical upstream call already in flight. */
  sharedInFlight(): void;
  /** A provider body about another message than the one asked for (refused). */
  wrongMessage(): void;
  /** A provider answer, newer than what is known, that went backwards (kept at what is known). */
  regression(): void;
}

/** One lane of one provider's bulkhead, as read at scrape time. */
export interface BulkheadLoad {
  provider: string;
  lane: (typeof LANE_NAMES)[number];
  /** Calls waiting for a slot. */
  queued: number;
  /** Slots held (calls under way). */
  active: number;
}

/** The slots of one provider's lane now: the adaptive limit (a fixed one without it). */
export interface LaneLimit {
  provider: string;
  lane: (typeof LANE_NAMES)[number];
  limit: number;
}

export interface LookupMetrics {
  forProvider(provider: string): ProviderLookupMetrics;
  observeBreakerStates(read: () => Record<string, string>): void;
  observeBulkheads(read: () => BulkheadLoad[]): void;
  /** Registers a gauge read at scrape time: every lane's slots now. Optional: a metrics sink may not show them. */
  observeLaneLimits?(read: () => LaneLimit[]): void;
}

export interface StatusServiceOptions {
  resilience: ResilienceSettings;
  /** Each provider's interactive limit adapts within these (see policy/adaptive-limit.ts); none: fixed lanes of `resilience`. */
  adaptiveLimit?: AdaptiveLimitSettings;
  cache: CacheSettings;
  /** By provider key; a provider without rules accepts any answer id and merges whole records. */
  rules?: ReadonlyMap<string, ProviderRules>;
  metrics?: LookupMetrics;
  log?: { warn(fields: object, message: string): void; info(fields: object, message: string): void };
  /** A tier shared with other replicas (Redis), consulted on a local miss; none: this process alone. */
  shared?: SharedTier;
  /**
   * What webhooks said that the providers have not shown yet (KeptAnswers): merged back into the
   * cache when it has dropped their record, before anything else is asked.
   */
  kept?: { of(key: string): readonly KeptPart[] | undefined };
  /**
   * The kept parts of the whole deployment (Redis), read beside each upstream call of this
   * replica and merged before its answer: a replica that never heard of them (restarted, or its
   * cache dropped them) does not take a GET that lags the webhook for the last word.
   */
  keptShared?(key: string): Promise<readonly KeptPart[]>;
}

/** A lookup's outcome: the record (or null for not found) at once from the cache, else a promise. */
export type Lookup = MessageStatusRecord | null | Promise<MessageStatusRecord | null>;

/**
 * Where an answer came from: learned by this replica (its upstream call, a webhook it
 * received), or from the other replicas (the shared tier, their status events). Only local
 * answers are stored in the shared tier and published: the others were already.
 */
export type AnswerOrigin = 'local' | 'shared';

/** A change of what is known about one message (a new state or new details). */
export interface StatusChange {
  provider: string;
  id: string;
  record: MessageStatusRecord;
  /** What was known before (null: not found; undefined: nothing): the parts a merge kept are the same objects in both. */
  previous: MessageStatusRecord | null | undefined;
  /** When the newest answer taken into account was observed (epoch ms). */
  checkedAt: number;
  origin: AnswerOrigin;
}

/** What `remember` did: the merge's outcome, and its write to the shared tier when one was made. */
interface Learned {
  outcome: MergeOutcome;
  /** True once the shared tier holds it (see SharedTier.write). */
  shared: Promise<boolean> | undefined;
}

interface Guarded {
  provider: string;
  client: ProviderClient;
  policy: ProviderPolicy;
  rules: ProviderRules | undefined;
  metrics: ProviderLookupMetrics | undefined;
}

/**
 * Shared by all requests, between the per-request loaders and the provider clients:
 * cache → in-flight sharing → the provider's policy (bulkhead → breaker → retry → one
 * deadline) → client. Every answer goes into the cache through the status merge, and the
 * callers of a call get what is known after the merge.
 */
export class StatusService {
  private readonly guarded = new Map<string, Guarded>();
  private readonly cache: StatusCache;
  private readonly inFlight = new InFlight<MessageStatusRecord | null>();
  private readonly listeners = new Set<(change: StatusChange) => void>();
  /** How long the shared tier keeps an answer: as long as this process serves it. */
  private readonly lifetimeOf = (answer: Answer) => this.cache.lifetimeOf(answer);

  constructor(
    clients: ReadonlyMap<string, ProviderClient>,
    private readonly options: StatusServiceOptions,
  ) {
    for (const [provider, client] of clients) {
      this.guarded.set(provider, {
        provider,
        client,
        policy: createProviderPolicy(provider, options.resilience, options.log, options.adaptiveLimit),
        rules: options.rules?.get(provider),
        metrics: options.metrics?.forProvider(provider),
      });
    }
    this.cache = new StatusCache(options.cache);
    // Read at scrape time, so the gauges are never stale.
    options.metrics?.observeBreakerStates(() => this.byProvider(({ policy }) => policy.circuitState));
    options.metrics?.observeBulkheads(() => this.bulkheadLoads());
    options.metrics?.observeLaneLimits?.(() => this.laneLimits());
  }

  /**
   * The record, null when the provider does not know the id; rejects with ProviderFailure only.
   * `id` is in the provider's canonical form. `notBefore` (epoch ms): no answer observed
   * earlier is used, from the cache or from a call in flight. `trace` travels with an upstream
   * call this lookup starts (the request scope, for metrics and spans). `poll`: this lookup is a
   * watcher's poll (see PollTicket); an upstream call it starts takes the poll lane.
   */
  lookup(provider: string, id: string, notBefore = Number.NEGATIVE_INFINITY, trace?: unknown, poll?: PollTicket): Lookup {
    const guarded = this.guarded.get(provider);
    if (!guarded) {
      return Promise.reject(notConfigured(provider));
    }
    const key = `${provider}:${id}`;
    const hit = this.cache.get(key, notBefore);
    if (hit) {
      guarded.metrics?.cacheHit();
      // A value, not a promise: a cache hit costs no promise, timer or wrapper on the hot path.
      return hit.record;
    }
    // Kept webhook parts of a record the cache dropped (one map lookup per miss): merged back first,
    // so neither the answer below nor a GET that lags the webhook can hide them.
    if (this.options.kept && this.restore(guarded, key)) {
      const restored = this.cache.get(key, notBefore);
      if (restored) {
        guarded.metrics?.cacheHit();
        return restored.record;
      }
    }
    guarded.metrics?.cacheMiss();
    const joined = this.inFlight.join(key, notBefore);
    // A poll its watcher withdrew will not go upstream: a lookup starts its own call instead.
    if (joined && !joined.poll?.withdrawn) {
      guarded.metrics?.sharedInFlight();
      // An interactive lookup never waits behind the poll lane: the poll it joins moves to the
      // interactive lane (one field read when the flight is not a poll's).
      if (joined.poll && !poll) {
        const refused = joined.poll.promote();
        if (refused) return Promise.reject(refused);
      }
      return joined.promise;
    }
    const startedAt = Date.now();
    const shared = this.options.shared;
    if (!shared) return this.inFlight.start(key, startedAt, () => this.callUpstream(guarded, key, id, startedAt, trace, poll), poll);
    // With a shared tier the flight may be answered by another replica's data, observed no
    // earlier than this caller demands: it is joinable only by callers demanding no more
    // (its guarantee is `notBefore`), until it goes upstream itself.
    const flight = this.inFlight.start(
      key,
      notBefore,
      () => this.sharedOrUpstream(shared, guarded, key, id, notBefore, trace, () => this.inFlight.upgrade(key, flight, Date.now()), poll),
      poll,
    );
    return flight;
  }

  /**
   * Merges an answer obtained outside a lookup (a webhook event, another replica's change) into
   * what is known, by the status merge; the outcome says what is known afterwards.
   */
  offer(provider: string, id: string, record: MessageStatusRecord | null, observedAt: number, origin: AnswerOrigin = 'local'): MergeOutcome {
    return this.accept(provider, id, record, observedAt, origin).outcome;
  }

  /**
   * `offer` of what this replica learned itself, resolved once what is known afterwards is in the
   * shared tier (`stored`), or the tier could not take it; without a tier, stored at once (in this
   * process). A webhook's 202 waits for this.
   */
  async offerStored(provider: string, id: string, record: MessageStatusRecord, observedAt: number): Promise<{ outcome: MergeOutcome; stored: boolean }> {
    const { outcome, shared } = this.accept(provider, id, record, observedAt, 'local');
    // Nothing to write: it told nothing this replica had not learned (and stored) before.
    if (!shared) return { outcome, stored: true };
    return { outcome, stored: await shared };
  }

  private accept(provider: string, id: string, record: MessageStatusRecord | null, observedAt: number, origin: AnswerOrigin): Learned {
    const guarded = this.guarded.get(provider);
    const key = `${provider}:${id}`;
    // A record about another message is refused here too (a webhook or a replica's entry).
    if (record && guarded?.rules && guarded.rules.parseId(record.providerMessageId) !== id) {
      const known = this.cache.known(key);
      return { outcome: { answer: known ?? { record: null, checkedAt: observedAt }, changed: false, regressed: false }, shared: undefined };
    }
    if (guarded && this.options.kept) this.restore(guarded, key);
    return this.remember(guarded, key, provider, id, record, observedAt, origin);
  }

  /** What is known about a message, fresh or not, without any upstream call; undefined when nothing is. */
  known(provider: string, id: string): MessageStatusRecord | null | undefined {
    const key = `${provider}:${id}`;
    const guarded = this.guarded.get(provider);
    if (guarded && this.options.kept) this.restore(guarded, key);
    return this.cache.known(key)?.record;
  }

  /**
   * Merges the kept parts of `key` into the cache when it holds nothing for it (it dropped the
   * record, or was never told: another replica kept them); true when it did. They merge as any
   * answer does, so this never moves what is known backwards.
   */
  private restore(guarded: Guarded, key: string): boolean {
    const parts = this.options.kept?.of(key);
    if (!parts || this.cache.known(key)) return false;
    for (const part of parts) this.cache.merge(key, part.record, part.observedAt, guarded.rules?.mergeRecords);
    return true;
  }

  /** Every message this process holds an answer for in its cache, as provider and id. */
  held(): { provider: string; id: string }[] {
    const held: { provider: string; id: string }[] = [];
    for (const key of this.cache.keys()) {
      const at = key.indexOf(':');
      held.push({ provider: key.slice(0, at), id: key.slice(at + 1) });
    }
    return held;
  }

  /**
   * Writes what this replica knows of a message to the shared tier whole, merged there with
   * whatever is stored: for an entry Redis lost (restarted empty) while this replica still holds
   * the change. Nothing when nothing is known here or there is no tier.
   */
  share(provider: string, id: string): void {
    const key = `${provider}:${id}`;
    const known = this.cache.known(key);
    if (!known?.record || !this.options.shared) return;
    void this.options.shared.write(key, { before: undefined, after: known, merge: this.guarded.get(provider)?.rules?.mergeRecords, lifetimeOf: this.lifetimeOf });
  }

  /** Makes what is known about a message not fresh: the next lookup of it goes upstream (a webhook hint that could not fetch). */
  markStale(provider: string, id: string): void {
    this.cache.markStale(`${provider}:${id}`);
  }

  /** Entries and estimated bytes of the process cache (bounded by CACHE_MAX_ENTRIES and CACHE_MAX_BYTES). */
  get cacheUsage(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes };
  }

  /** Hears every change of what is known; returns the way to stop. */
  onChange(listener: (change: StatusChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Circuit state by provider (Closed, Open, HalfOpen), for diagnostics and tests. */
  circuitState(provider: string): string | undefined {
    return this.guarded.get(provider)?.policy.circuitState;
  }

  async close(): Promise<void> {
    await Promise.all([...this.guarded.values()].map(({ client }) => client.close()));
  }

  private byProvider<T>(read: (guarded: Guarded) => T): Record<string, T> {
    return Object.fromEntries([...this.guarded].map(([provider, guarded]) => [provider, read(guarded)]));
  }

  private bulkheadLoads(): BulkheadLoad[] {
    const loads: BulkheadLoad[] = [];
    for (const [provider, { policy }] of this.guarded) {
      for (const lane of [INTERACTIVE, POLL] as const) loads.push({ provider, lane: LANE_NAMES[lane], queued: policy.queueLength(lane), active: policy.activeCount(lane) });
    }
    return loads;
  }

  private laneLimits(): LaneLimit[] {
    const limits: LaneLimit[] = [];
    for (const [provider, { policy }] of this.guarded) {
      for (const lane of [INTERACTIVE, POLL] as const) limits.push({ provider, lane: LANE_NAMES[lane], limit: policy.limit(lane) });
    }
    return limits;
  }

  /**
   * A local miss with a shared tier: another replica's stored answer, else the answer of the
   * replica holding the claim for this key, else an upstream call of our own (claimed, so
   * other replicas wait for it). Whatever comes from the tier passes the status merge.
   */
  private async sharedOrUpstream(
    shared: SharedTier,
    guarded: Guarded,
    key: string,
    id: string,
    notBefore: number,
    trace: unknown,
    goingUpstream: () => void,
    poll: PollTicket | undefined,
  ): Promise<MessageStatusRecord | null> {
    // Usable: fresh enough for this caller, and about this message (a foreign entry is a miss).
    const usable = (answer: { record: MessageStatusRecord | null; checkedAt: number } | undefined): answer is { record: MessageStatusRecord | null; checkedAt: number } =>
      answer !== undefined && answer.checkedAt > notBefore && (answer.record === null || !guarded.rules || guarded.rules.parseId(answer.record.providerMessageId) === id);
    // Older than this caller wants, but what other replicas know: merged (a webhook one of them
    // received may be newer than what this replica or the provider's GET says), never discarded.
    // Only when it tells something (a state or details this replica lacks): an equal copy read
    // back from Redis is no change, and must not look like one to watchers.
    const mergeOlder = (answer: { record: MessageStatusRecord | null; checkedAt: number } | undefined) => {
      if (!answer?.record || (guarded.rules && guarded.rules.parseId(answer.record.providerMessageId) !== id)) return;
      const known = this.cache.known(key);
      const merged = known && mergeAnswers(known, answer.record, answer.checkedAt, guarded.rules?.mergeRecords);
      if (!known?.record || (merged?.answer.record && isNews(known.record, merged.answer.record))) this.offer(guarded.provider, id, answer.record, answer.checkedAt, 'shared');
    };
    const look = await shared.look(key);
    if (usable(look.stored)) return this.offer(guarded.provider, id, look.stored.record, look.stored.checkedAt, 'shared').answer.record;
    mergeOlder(look.stored);
    // An entry of no use here (too old for this caller, another message's): claim the call now.
    let claim = look.claim ?? (await shared.claim(key));
    // The holder's answer, observed after this caller's `notBefore`: the older entry already in
    // the tier does not end the wait. A wait that ends on an older answer (the claim was an
    // earlier lookup's, released as this one began) claims again, within the one wait bound:
    // one of its waiters calls, the others wait for that call.
    const waitUntil = Date.now() + WAIT_AGAIN_WITHIN_MS;
    while (claim.outcome === 'held') {
      const published = await shared.waitFor(key, notBefore);
      if (usable(published)) return this.offer(guarded.provider, id, published.record, published.checkedAt, 'shared').answer.record;
      if (!published || Date.now() > waitUntil) break;
      mergeOlder(published);
      claim = await shared.claim(key);
    }
    // Won by a separate claim, after an entry too old for this caller: another replica's whole
    // call (claim, answer, release) may have fit between the look and this claim. Its answer is
    // in the tier then; one more read (on this rare path only: maxAge callers) saves the call.
    if (claim.outcome === 'won' && claim !== look.claim) {
      const again = await shared.look(key);
      if (usable(again.stored)) {
        shared.release(key, claim.token, true);
        return this.offer(guarded.provider, id, again.stored.record, again.stored.checkedAt, 'shared').answer.record;
      }
    }
    goingUpstream();
    const startedAt = Date.now();
    try {
      // The answer is stored in the shared tier as it is remembered (see `remember`), before
      // the release: the replicas waiting read it there.
      const record = await this.callUpstream(guarded, key, id, startedAt, trace, poll);
      if (claim.outcome === 'won') shared.release(key, claim.token, true);
      return record;
    } catch (error) {
      if (claim.outcome === 'won') shared.release(key, claim.token, false);
      throw error;
    }
  }

  /**
   * One upstream call of this replica's own, outside the cache and single flight, for a caller
   * that needs the provider's answer as given, not what is known after the merge (is a kept
   * webhook part shown by the provider yet?). The answer is remembered as any other.
   */
  async fetchUpstream(provider: string, id: string): Promise<MessageStatusRecord | null> {
    const guarded = this.guarded.get(provider);
    if (!guarded) throw notConfigured(provider);
    const { client, policy, rules } = guarded;
    const startedAt = Date.now();
    const record = await policy.call(id, (call) => client.fetchStatus(id, call), startedAt + this.options.resilience.requestDeadlineMs);
    if (record && rules && rules.parseId(record.providerMessageId) !== id) throw this.wrongMessage(guarded, id, record.providerMessageId);
    // Retried until the provider shows what a webhook said: its lagging answers are expected, one per try.
    this.remember(guarded, `${provider}:${id}`, provider, id, record, record?.fetchedAt.getTime() ?? startedAt, 'local', true);
    return record;
  }

  /** One upstream call shared by every caller: it runs under its own deadline, not any caller's. */
  private async callUpstream(guarded: Guarded, key: string, id: string, startedAt: number, trace: unknown, poll?: PollTicket): Promise<MessageStatusRecord | null> {
    const { client, policy, rules } = guarded;
    // Read while the provider answers: it costs no time unless Redis is slower than the provider.
    const kept = this.options.keptShared?.(key);
    const record = await policy.call(id, (call) => client.fetchStatus(id, call), startedAt + this.options.resilience.requestDeadlineMs, trace, poll);
    if (record && rules && rules.parseId(record.providerMessageId) !== id) throw this.wrongMessage(guarded, id, record.providerMessageId);
    // Already in Redis (the replica that kept them stored them): merged here only, and heard by this replica's listeners.
    if (kept) for (const part of await kept) this.remember(guarded, key, guarded.provider, id, part.record, part.observedAt, 'shared');
    return this.remember(guarded, key, guarded.provider, id, record, record?.fetchedAt.getTime() ?? startedAt, 'local').outcome.answer.record;
  }

  /** Merges an answer into the cache, shares it (when it is this replica's own and told something) and tells the listeners. */
  /** `lagExpected`: the caller asks because the provider lags what is known (a kept webhook change): going backwards is counted, not logged. */
  private remember(
    guarded: Guarded | undefined,
    key: string,
    provider: string,
    id: string,
    record: MessageStatusRecord | null,
    observedAt: number,
    origin: AnswerOrigin,
    lagExpected = false,
  ): Learned {
    const rule = guarded?.rules?.mergeRecords;
    // What was known before: the shared write and the status event send what differs from it.
    const previous = this.options.shared || this.listeners.size > 0 ? this.cache.known(key) : undefined;
    const outcome = this.cache.merge(key, record, observedAt, rule);
    // What this replica learned goes to the others' tier when it told something: a change, or
    // the newest observation (it extends the entry's lifetime). Merged there with what is
    // stored, by the same status merge: a replica whose answer is older or less advanced never
    // overwrites a newer entry. Only a webhook's 202 waits for it (offerStored).
    const tier = this.options.shared;
    const shared =
      tier && origin === 'local' && (outcome.changed || observedAt >= outcome.answer.checkedAt)
        ? tier.write(key, { before: previous, after: outcome.answer, merge: rule, lifetimeOf: this.lifetimeOf })
        : undefined;
    if (outcome.regressed) {
      guarded?.metrics?.regression();
      if (!lagExpected) this.options.log?.warn({ provider, id, known: outcome.answer.record?.state ?? 'NOT_FOUND', answered: record?.state ?? 'NOT_FOUND' }, 'provider answer went backwards; keeping what is known');
    }
    if (outcome.changed && outcome.answer.record && this.listeners.size > 0) {
      const change: StatusChange = { provider, id, record: outcome.answer.record, previous: previous?.record, checkedAt: outcome.answer.checkedAt, origin };
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          // A listener's bug must not fail the lookup that fed it.
          this.options.log?.warn({ provider, id, err: error }, 'status change listener failed');
        }
      }
    }
    return { outcome, shared };
  }

  /** A body about another message: a provider bug or a misrouting proxy. Refused, counted, logged once, never cached. */
  private wrongMessage(guarded: Guarded, id: string, answeredId: string): ProviderFailure {
    guarded.metrics?.wrongMessage();
    this.options.log?.warn({ provider: guarded.provider, id, answeredId: answeredId.slice(0, 80) }, 'provider answered with a record for another message; refused');
    return new ProviderFailure({
      provider: guarded.provider,
      code: 'BAD_RESPONSE',
      message: `${guarded.provider} answered with a record for another message than the one asked for`,
    });
  }
}
