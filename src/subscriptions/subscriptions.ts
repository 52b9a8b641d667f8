import type { LiveMetrics, SubscriptionRefusal } from './metrics.js';
import type { LiveSettings } from './settings.js';
import { StatusStream } from './status-stream.js';
import { SubscriptionRefused, type OpenRequest, type StreamItem, type Subscriptions } from './subscription-requests.js';
import type { WatcherRegistry } from './watchers.js';
import { KeyCounts } from '../key-counts.js';

/**
 * How long an admitted stream may wait for its first pull. Every transport pulls at once (yoga's
 * SSE body as it is sent, the graphql-ws relay as it reads it), so a stream nobody pulls belongs
 * to a response that was never sent (refused, or dropped by a later plugin): it ends, rather
 * than holding its watchers for SUBSCRIPTION_MAX_LIFETIME_MS. A backstop: the known refusals end
 * a stream at once (see useUnsentStreamsEnd).
 */
export const UNCLAIMED_STREAM_MS = 5_000;

/** A stream that ends before it starts: for a client already gone when its subscription was admitted. */
const NOTHING: AsyncIterableIterator<never> = {
  [Symbol.asyncIterator]: () => NOTHING,
  next: async () => ({ done: true, value: undefined }),
  return: async () => ({ done: true, value: undefined }),
};

/**
 * Admission of subscriptions (a response that can carry them, refs per subscription,
 * subscriptions and watched messages per caller, watchers in total) and their streams over the
 * shared watchers. The per-caller counts live here, not in a transport, so SSE and graphql-ws
 * share one cap. A stream lives as long as its client: it ends when the request's signal aborts
 * (the socket closed), when its transport returns it, and when nobody pulls it.
 */
export class LiveSubscriptions implements Subscriptions {
  private readonly perClient = new KeyCounts();
  /** Messages each caller's open subscriptions watch now: a message in two of them counts twice. */
  private readonly watchedBy = new KeyCounts();
  private readonly streams = new Set<StatusStream<unknown>>();

  constructor(
    private readonly watchers: WatcherRegistry,
    private readonly settings: LiveSettings,
    private readonly metrics?: LiveMetrics,
  ) {}

  /** Subscriptions open now, across every caller and transport. */
  get open(): number {
    return this.streams.size;
  }

  /** Subscriptions one caller holds now. */
  openBy(callerId: string): number {
    return this.perClient.get(callerId);
  }

  /** Messages one caller's subscriptions watch now (summed over its subscriptions; MAX_WATCHERS_PER_CLIENT bounds it). */
  watchedByClient(callerId: string): number {
    return this.watchedBy.get(callerId);
  }

  /** The event stream of one subscription, or a SubscriptionRefused saying why not. */
  start<P>(request: OpenRequest<P>): AsyncIterableIterator<StreamItem<P>> {
    const { caller, refs, delivery } = request;
    if (this.settings.refuseAnonymous && caller.kind === 'anonymous') {
      this.refuse('UNAUTHENTICATED', 'subscriptions need an API key or a bearer token in live mode (each one holds upstream watchers)');
    }
    if (!delivery.canStream) {
      this.refuse('NOT_ACCEPTABLE', 'Not acceptable: a subscription is answered as text/event-stream (GraphQL over SSE); send Accept: text/event-stream, or use graphql-ws', {}, 406);
    }
    if (refs.length > request.maxRefs) {
      this.refuse('BATCH_TOO_LARGE', `messageStatusChanged accepts at most ${request.maxRefs} refs per subscription; got ${refs.length}`, { maxBatchSize: request.maxRefs });
    }
    const held = this.openBy(caller.id);
    if (held >= this.settings.maxPerClient) {
      this.refuse('TOO_MANY_SUBSCRIPTIONS', `at most ${this.settings.maxPerClient} open subscriptions per client (MAX_SUBSCRIPTIONS_PER_CLIENT); close one first`, {
        maxSubscriptionsPerClient: this.settings.maxPerClient,
      });
    }
    const keys = [...new Set(refs.flatMap(({ message }) => (message ? [`${message.provider}:${message.id}`] : [])))];
    if (this.watchedByClient(caller.id) + keys.length > this.settings.maxWatchersPerClient) {
      this.refuse(
        'CLIENT_WATCHER_LIMIT',
        `one client's subscriptions watch at most ${this.settings.maxWatchersPerClient} messages together (MAX_WATCHERS_PER_CLIENT); this one adds ${keys.length} to ${this.watchedByClient(caller.id)}; close one first`,
        { maxWatchersPerClient: this.settings.maxWatchersPerClient },
      );
    }
    if (!this.watchers.hasRoomFor(keys)) {
      this.refuse('WATCHER_LIMIT', `this server watches at most ${this.settings.maxWatchers} messages at once (SUBSCRIPTION_MAX_WATCHERS); retry later`, {
        maxWatchers: this.settings.maxWatchers,
      });
    }
    // Gone while its request was being checked: nothing to start, nothing to count.
    if (delivery.clientGone?.aborted) return NOTHING;

    this.perClient.add(caller.id);
    this.metrics?.subscriptionOpened();
    const gone = () => void stream.return();
    const stream: StatusStream<P> = new StatusStream<P>({
      refs,
      isFinalProblem: request.isFinalProblem,
      watch: (provider, id, listener) => this.watchFor(caller.id, this.watchers.watch(provider, id, listener, caller.id)),
      maxLifetimeMs: this.settings.maxLifetimeMs,
      claimWithinMs: UNCLAIMED_STREAM_MS,
      onEnd: () => {
        delivery.clientGone?.removeEventListener('abort', gone);
        this.release(caller.id, stream);
      },
    });
    this.streams.add(stream as StatusStream<unknown>);
    delivery.clientGone?.addEventListener('abort', gone, { once: true });
    return stream;
  }

  /** Ends every open subscription (they complete normally): shutdown, so long-lived responses do not hold the drain. */
  async endAll(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.return()));
  }

  /** Counts one watched message against its caller until its subscription stops watching it (final, or ended). */
  private watchFor(callerId: string, unwatch: () => void): () => void {
    this.watchedBy.add(callerId);
    let done = false;
    return () => {
      unwatch();
      if (done) return;
      done = true;
      this.watchedBy.remove(callerId);
    };
  }

  private release(callerId: string, stream: StatusStream<unknown>): void {
    this.streams.delete(stream);
    this.perClient.remove(callerId);
    this.metrics?.subscriptionClosed();
  }

  private refuse(code: SubscriptionRefusal, message: string, details?: Record<string, number>, httpStatus?: number): never {
    this.metrics?.subscriptionRefused(code);
    throw new SubscriptionRefused(code, message, details, httpStatus);
  }
}

