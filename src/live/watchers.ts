import type { MessageStatusRecord } from '../domain/message-status.js';
import type { StatusChange, StatusService } from '../lookup/status-service.js';
import type { LiveMetrics } from './metrics.js';
import type { LiveSettings } from './settings.js';

/** What watchers use of the status service: lookups with its policy, what is known, and its changes. */
export type WatchedService = Pick<StatusService, 'lookup' | 'known' | 'onChange'>;

/** Hears every change of one watched message (whatever learned it: a poll, a lookup, a webhook). */
export type ChangeListener = (record: MessageStatusRecord) => void;

/** Stops one subscriber's interest; the last one to leave stops the watcher. Idempotent. */
export type Unwatch = () => void;

interface Watcher {
  provider: string;
  id: string;
  listeners: Set<ChangeListener>;
  /** Current poll delay: pollMinMs after a change of state, doubling up to pollMaxMs. */
  delayMs: number;
  /** The record last heard: a new state resets the delay; an answer equal to it but for `fetchedAt` is no event. */
  last: MessageStatusRecord | undefined;
  /** A poll of this watcher is waiting upstream (it re-arms the timer itself when it ends). */
  polling: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Polling ended: the message is final (listeners still hear until they leave). */
  final: boolean;
}

/**
 * One watcher per watched message, shared by every subscriber of it: 1,000 subscribers of
 * one message cost one poll per period upstream, not 1,000. The registry listens once to the
 * status service and hands each change to the watcher of that message (a map lookup per
 * change). While the message is not final its watcher polls through `service.lookup`, the
 * same cache, in-flight sharing, bulkhead and breaker as every query; any change that arrives
 * meanwhile (a webhook, a client's query) pushes the next poll back, since a push makes a poll
 * needless. Memory is bounded: at most `maxWatchers` watchers, each freed with its last subscriber.
 */
export class WatcherRegistry {
  private readonly watchers = new Map<string, Watcher>();
  private readonly stopListening: () => void;

  constructor(
    private readonly service: WatchedService,
    private readonly settings: Pick<LiveSettings, 'maxWatchers' | 'pollMinMs' | 'pollMaxMs'>,
    private readonly metrics?: LiveMetrics,
  ) {
    this.stopListening = service.onChange((change) => this.heard(change));
  }

  /** Watchers running now (final ones included until their last subscriber leaves). */
  get size(): number {
    return this.watchers.size;
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
   * since a watcher that silently never polls would be a lie.
   */
  watch(provider: string, id: string, listener: ChangeListener): Unwatch {
    const key = `${provider}:${id}`;
    let watcher = this.watchers.get(key);
    if (!watcher) {
      if (this.watchers.size >= this.settings.maxWatchers) throw new Error(`watcher limit of ${this.settings.maxWatchers} reached`);
      const known = this.service.known(provider, id);
      watcher = { provider, id, listeners: new Set(), delayMs: this.settings.pollMinMs, last: known ?? undefined, polling: false, timer: undefined, final: known?.isFinal === true };
      this.watchers.set(key, watcher);
      this.metrics?.watcherStarted();
      this.schedule(watcher);
    }
    watcher.listeners.add(listener);
    const owner = watcher;
    return () => {
      if (!owner.listeners.delete(listener) || owner.listeners.size > 0) return;
      clearTimeout(owner.timer);
      owner.timer = undefined;
      // Only the watcher still in the map is removed: a new one may have replaced it since.
      if (this.watchers.get(key) === owner) {
        this.watchers.delete(key);
        this.metrics?.watcherStopped();
      }
    };
  }

  /** Stops every watcher and the service listener (app shutdown). */
  close(): void {
    this.stopListening();
    for (const watcher of this.watchers.values()) {
      clearTimeout(watcher.timer);
      watcher.listeners.clear();
      this.metrics?.watcherStopped();
    }
    this.watchers.clear();
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
    // poll moves back by a full delay. A poll of ours re-arms the timer itself when it ends.
    if (!watcher.polling) this.schedule(watcher);
    // A fresher answer that says the same thing is not an event for subscribers.
    if (previous && !isNews(previous, record)) return;
    // A copy: a listener may unwatch (its subscription ended) while we iterate.
    for (const listener of [...watcher.listeners]) listener(record);
  }

  /** (Re)arms the next poll `delayMs` from now; none once final. */
  private schedule(watcher: Watcher): void {
    clearTimeout(watcher.timer);
    watcher.timer = undefined;
    if (watcher.final) return;
    watcher.timer = setTimeout(() => void this.poll(watcher), watcher.delayMs);
    // A watcher never keeps the process alive on its own (shutdown closes subscriptions first).
    watcher.timer.unref();
  }

  private async poll(watcher: Watcher): Promise<void> {
    watcher.timer = undefined;
    watcher.polling = true;
    const before = watcher.last?.state;
    let failed = false;
    try {
      // notBefore = now: an answer observed from now on, never the cache's older one. A change
      // it finds reaches `heard` (and every subscriber) through the service's onChange.
      await this.service.lookup(watcher.provider, watcher.id, Date.now());
    } catch {
      // A provider failure (breaker open, timeout): the subscribers keep what they have; the
      // backoff below spaces the next try, so a failing provider is not hammered.
      failed = true;
    }
    watcher.polling = false;
    const changed = !failed && before !== undefined && watcher.last?.state !== before;
    this.metrics?.watcherPoll(watcher.provider, failed ? 'error' : changed ? 'changed' : 'unchanged');
    // Its last subscriber left while the poll ran, or the message is now final: no next poll.
    if (this.watchers.get(`${watcher.provider}:${watcher.id}`) !== watcher || watcher.final) return;
    if (!changed) watcher.delayMs = Math.min(watcher.delayMs * 2, this.settings.pollMaxMs);
    this.schedule(watcher);
  }
}

/** Whether `next` tells a subscriber anything `previous` did not (`fetchedAt` alone does not). */
function isNews(previous: MessageStatusRecord, next: MessageStatusRecord): boolean {
  if (previous.state !== next.state || previous.isFinal !== next.isFinal) return true;
  // Once per change of a watched message, not per subscriber; details are small plain data.
  return JSON.stringify(previous.details, withoutObservationTimes) !== JSON.stringify(next.details, withoutObservationTimes);
}

/** Per-part observation times (a D7 message's `observedAt`, used by its merge) move with every poll; they are not news. */
function withoutObservationTimes(key: string, value: unknown): unknown {
  return key === 'observedAt' ? undefined : value;
}
