import type { MessageStatusRecord } from '../domain/message-status.js';
import { PollTicket } from '../lookup/policy/poll-ticket.js';
import type { StatusChange, StatusService } from '../lookup/status-service.js';
import type { LiveMetrics } from './metrics.js';
import { isNews } from '../domain/news.js';
import type { LiveSettings } from './settings.js';
import { KeyCounts } from '../key-counts.js';

/** What watchers use of the status service: lookups with its policy, what is known, and its changes. */
export type WatchedService = Pick<StatusService, 'lookup' | 'known' | 'onChange'>;

/** Hears every change of one watched message (whatever learned it: a poll, a lookup, a webhook). */
export type ChangeListener = (record: MessageStatusRecord) => void;

/** Stops one subscriber's interest; the last one to leave stops the watcher. Idempotent. */
export type Unwatch = () => void;

/**
 * What watchers need of leases shared by replicas (src/shared-state/lease.ts implements it over
 * Redis): at most one holder per message across the deployment. Every call resolves, never
 * rejects; 'unavailable' when the store cannot answer in time.
 */
export interface WatcherLeases {
  acquire(key: string, ttlMs: number): Promise<{ outcome: 'won'; token: string } | { outcome: 'held' } | { outcome: 'unavailable' }>;
  renew(key: string, token: string, ttlMs: number): Promise<'renewed' | 'lost' | 'unavailable'>;
  release(key: string, token: string): Promise<unknown>;
}

interface Watcher {
  provider: string;
  id: string;
  listeners: Set<ChangeListener>;
  /**
   * Subscribers per client, in the order the clients came. Each poll counts to one of them in
   * the poll lane's turns (see `pollOwner`).
   */
  clients: KeyCounts;
  /** Current poll delay: pollMinMs after a change of state, doubling up to pollMaxMs. */
  delayMs: number;
  /** The record last heard: a new state resets the delay; an answer equal to it but for `fetchedAt` is no event. */
  last: MessageStatusRecord | undefined;
  /** A poll of this watcher is waiting upstream (it re-arms the timer itself when it ends). */
  polling: boolean;
  /** That poll's ticket: withdrawn from the poll lane when no longer needed (last subscriber gone, a fresher answer heard). */
  ticket: PollTicket | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Polling ended: the message is final (listeners still hear until they leave). */
  final: boolean;
  /** The token of this replica's lease on the message (with leases): only the holder polls. */
  lease: string | undefined;
}

/**
 * One watcher per watched message, shared by every subscriber of it: 1,000 subscribers of
 * one message cost one poll per period upstream, not 1,000. The registry listens once to the
 * status service and hands each change to the watcher of that message (a map lookup per
 * change). While the message is not final its watcher polls through `service.lookup`, the
 * same cache, in-flight sharing and breaker as every query, in the bulkhead's poll lane (a
 * busy lane defers a poll, never fails it, and never slows queries); any change that arrives
 * meanwhile (a webhook, a client's query) pushes the next poll back, since a push makes a poll
 * needless. Memory is bounded: at most `maxWatchers` watchers, each freed with its last subscriber.
 *
 * With `leases` (several replicas), one watcher per message polls for the whole deployment: a
 * poll is due only on the replica holding the message's lease; the others hear its answers as
 * status events (which push their own next try back, as any change does) and, when a try comes
 * due, try to take the lease over: it is free once its holder stopped renewing (it died, lost
 * Redis, or its last subscriber left). The holder renews the lease each time it arms its next
 * poll, for that delay plus a grace. Leases that cannot be reached mean polling here, as one
 * process alone does.
 */
export class WatcherRegistry {
  private readonly watchers = new Map<string, Watcher>();
  /** Watchers each client subscribes to now (a client's entry goes with its last one). */
  private readonly watchedBy = new KeyCounts();
  private readonly stopListening: () => void;

  constructor(
    private readonly service: WatchedService,
    private readonly settings: Pick<LiveSettings, 'maxWatchers' | 'pollMinMs' | 'pollMaxMs'>,
    private readonly metrics?: LiveMetrics,
    private readonly leases?: WatcherLeases,
  ) {
    this.stopListening = service.onChange((change) => this.heard(change));
  }

  /** Watchers running now (final ones included until their last subscriber leaves). */
  get size(): number {
    return this.watchers.size;
  }

  /** The messages watched now and not known to be final: what a replica re-reads when it may have missed changes. */
  watching(): { provider: string; id: string }[] {
    const watched: { provider: string; id: string }[] = [];
    for (const { provider, id, final } of this.watchers.values()) if (!final) watched.push({ provider, id });
    return watched;
  }

  /** Subscribers of one message now; 0 when it is not watched. */
  subscribers(provider: string, id: string): number {
    return this.watchers.get(`${provider}:${id}`)?.listeners.size ?? 0;
  }

  /** Whether these `provider:id` keys can all be watched now (messages already watched cost nothing). */
  hasRoomFor(keys: readonly string[]): boolean {
    let extra = 0;
    for (const key of keys) if (!this.watchers.has(key)) extra += 1;
    return this.watchers.size + extra <= this.settings.maxWatchers;
  }

  /**
   * Starts (or joins) the watcher of one message; `id` is in canonical form. A message already
   * known to be final starts no polling. Check `hasRoomFor` first: past the cap this throws,
   * since a watcher that silently never polls would be a lie. `client`: the subscriber's client
   * (caller id), to whom the watcher's polls are counted in the poll lane's turns.
   */
  watch(provider: string, id: string, listener: ChangeListener, client = ''): Unwatch {
    const key = `${provider}:${id}`;
    let watcher = this.watchers.get(key);
    if (!watcher) {
      if (this.watchers.size >= this.settings.maxWatchers) throw new Error(`watcher limit of ${this.settings.maxWatchers} reached`);
      const known = this.service.known(provider, id);
      watcher = { provider, id, listeners: new Set(), clients: new KeyCounts(), delayMs: this.settings.pollMinMs, last: known ?? undefined, polling: false, ticket: undefined, timer: undefined, final: known?.isFinal === true, lease: undefined };
      this.watchers.set(key, watcher);
      this.metrics?.watcherStarted();
      this.schedule(watcher);
    }
    watcher.listeners.add(listener);
    if (watcher.clients.add(client) === 1) this.watchedBy.add(client);
    const owner = watcher;
    return () => {
      if (!owner.listeners.delete(listener)) return;
      if (owner.clients.remove(client) === 0) this.watchedBy.remove(client);
      if (owner.listeners.size > 0) return;
      clearTimeout(owner.timer);
      owner.timer = undefined;
      // A poll still waiting for a slot is wanted by nobody now: it leaves the queue.
      owner.ticket?.withdraw(provider);
      // Another replica's subscribers may still want it polled: hand the lease on at once.
      void this.releaseLease(owner);
      // Only the watcher still in the map is removed: a new one may have replaced it since.
      if (this.watchers.get(key) === owner) {
        this.watchers.delete(key);
        this.metrics?.watcherStopped();
      }
    };
  }

  /** Stops every watcher and the service listener (app shutdown); resolves once the leases held are handed back. */
  async close(): Promise<void> {
    this.stopListening();
    const releases: Promise<void>[] = [];
    for (const watcher of this.watchers.values()) {
      clearTimeout(watcher.timer);
      watcher.ticket?.withdraw(watcher.provider);
      watcher.listeners.clear();
      watcher.clients.clear();
      releases.push(this.releaseLease(watcher));
      this.metrics?.watcherStopped();
    }
    this.watchers.clear();
    this.watchedBy.clear();
    await Promise.all(releases);
  }

  private heard(change: StatusChange): void {
    // On the lookup path (every changed answer): with nothing watched, not even the key is built.
    if (this.watchers.size === 0) return;
    const watcher = this.watchers.get(`${change.provider}:${change.id}`);
    if (!watcher) return;
    const { record } = change;
    const previous = watcher.last;
    watcher.last = record;
    watcher.final = record.isFinal;
    // A new state: poll soon again (it moves); new details of the same state keep the backoff,
    // and so does the first answer heard (nothing moved yet).
    if (previous && record.state !== previous.state) watcher.delayMs = this.settings.pollMinMs;
    // Learned elsewhere (a webhook, a client's query): what is known is fresh, so the next
    // poll moves back by a full delay. A poll of ours re-arms the timer itself when it ends; one
    // still waiting for a slot of the poll lane is needless now, and leaves the queue.
    if (!watcher.polling) this.schedule(watcher);
    else watcher.ticket?.withdraw(watcher.provider);
    // A fresher answer that says the same thing is not an event for subscribers.
    if (previous && !isNews(previous, record)) return;
    // A copy: a listener may unwatch (its subscription ended) while we iterate.
    for (const listener of [...watcher.listeners]) listener(record);
  }

  /** (Re)arms the next poll `delayMs` from now; none once final. The lease holder keeps its lease until then. */
  private schedule(watcher: Watcher): void {
    clearTimeout(watcher.timer);
    watcher.timer = undefined;
    if (watcher.final) {
      void this.releaseLease(watcher);
      return;
    }
    watcher.timer = setTimeout(() => void this.poll(watcher), watcher.delayMs);
    // A watcher never keeps the process alive on its own (shutdown closes subscriptions first).
    watcher.timer.unref();
    if (watcher.lease) void this.renewLease(watcher, watcher.lease);
  }

  private async poll(watcher: Watcher): Promise<void> {
    watcher.timer = undefined;
    watcher.polling = true;
    if (!(await this.mayPoll(watcher))) {
      watcher.polling = false;
      // Another replica polls it. Tries to take over back off like polls that changed nothing.
      if (!this.isCurrent(watcher) || watcher.final) return;
      watcher.delayMs = Math.min(watcher.delayMs * 2, this.settings.pollMaxMs);
      this.schedule(watcher);
      return;
    }
    const before = watcher.last?.state;
    const ticket = new PollTicket(this.pollOwner(watcher));
    let failed = false;
    try {
      // notBefore = now: an answer observed from now on, never the cache's older one. A change
      // it finds reaches `heard` (and every subscriber) through the service's onChange. The
      // ticket puts a call it starts in the poll lane, where it waits its turn: polls never
      // take interactive lookups' slots.
      watcher.ticket = ticket;
      await this.service.lookup(watcher.provider, watcher.id, Date.now(), undefined, ticket);
    } catch {
      // A provider failure (breaker open, timeout): the subscribers keep what they have; the
      // backoff below spaces the next try, so a failing provider is not hammered.
      failed = true;
    }
    watcher.polling = false;
    // Withdrawn before it went upstream (its last subscriber left, or a fresher answer came): no poll was made.
    const withdrawn = failed && ticket.withdrawn;
    watcher.ticket = undefined;
    const changed = !failed && before !== undefined && watcher.last?.state !== before;
    if (!withdrawn) this.metrics?.watcherPoll(watcher.provider, failed ? 'error' : changed ? 'changed' : 'unchanged');
    // Its last subscriber left while the poll ran (its lease was handed back then): no next poll.
    if (!this.isCurrent(watcher)) return;
    if (!changed && !withdrawn) watcher.delayMs = Math.min(watcher.delayMs * 2, this.settings.pollMaxMs);
    this.schedule(watcher);
  }

  /**
   * The client whose turn a poll takes in the poll lane: of the watcher's subscribers, the one
   * watching the fewest messages (the earliest of equals). A client watching many messages
   * cannot make another's few wait behind its own queue by subscribing to them too. One pass
   * over the watcher's clients per poll.
   */
  private pollOwner(watcher: Watcher): string {
    let owner = '';
    let least = Number.POSITIVE_INFINITY;
    for (const client of watcher.clients.keys()) {
      const watched = this.watchedBy.get(client);
      if (watched < least) {
        least = watched;
        owner = client;
      }
    }
    return owner;
  }

  /** Clients with a watcher now (for tests: entries go with their last watcher). */
  get clients(): number {
    return this.watchedBy.size;
  }

  private isCurrent(watcher: Watcher): boolean {
    return this.watchers.get(`${watcher.provider}:${watcher.id}`) === watcher;
  }

  /** Without leases, or holding one: yes. Otherwise this replica polls only if it takes the lease, or if leases cannot be reached. */
  private async mayPoll(watcher: Watcher): Promise<boolean> {
    if (!this.leases || watcher.lease) return true;
    const attempt = await this.leases.acquire(`${watcher.provider}:${watcher.id}`, this.leaseTtl(watcher));
    this.metrics?.watcherLease(attempt.outcome);
    // Unreachable leases mean polling here, for a watcher still wanted: one unwatched while Redis
    // was slow to answer (up to the command timeout) polls for nobody.
    if (attempt.outcome !== 'won') return attempt.outcome === 'unavailable' && this.isCurrent(watcher);
    watcher.lease = attempt.token;
    // Unwatched while the lease was being taken: hand it back, no poll.
    if (this.isCurrent(watcher)) return true;
    void this.releaseLease(watcher);
    return false;
  }

  /**
   * Covers the delay to the next poll plus a grace for the poll itself and timer lag: a holder
   * that stops renewing is replaced about a grace after its poll was due.
   */
  private leaseTtl(watcher: Watcher): number {
    return watcher.delayMs + this.settings.pollMinMs + 1_000;
  }

  private async renewLease(watcher: Watcher, token: string): Promise<void> {
    const result = await this.leases!.renew(`${watcher.provider}:${watcher.id}`, token, this.leaseTtl(watcher));
    // Taken over meanwhile (this replica paused past its lease, or Redis lost it): the next due
    // poll tries to take it back, like any replica's.
    if (result === 'lost' && watcher.lease === token) {
      watcher.lease = undefined;
      this.metrics?.watcherLease('lost');
    }
  }

  private async releaseLease(watcher: Watcher): Promise<void> {
    const token = watcher.lease;
    if (!token) return;
    watcher.lease = undefined;
    await this.leases!.release(`${watcher.provider}:${watcher.id}`, token);
  }
}
