import type { Caller } from '../security/scopes.js';
import type { LiveMetrics, SubscriptionRefusal } from './metrics.js';
import type { LiveSettings } from './settings.js';
import { StatusStream, type StreamRef } from './status-stream.js';
import type { WatcherRegistry } from './watchers.js';

/** A subscription refused before it started; the GraphQL layer turns it into an error with `code`. */
export class SubscriptionRefused extends Error {
  constructor(
    readonly code: SubscriptionRefusal,
    message: string,
    readonly details: Record<string, number> = {},
  ) {
    super(message);
    this.name = 'SubscriptionRefused';
  }
}

export interface OpenRequest<P> {
  caller: Caller;
  refs: readonly StreamRef<P>[];
  /** The server's MAX_BATCH_SIZE: a subscription watches at most as many refs as a batch looks up. */
  maxRefs: number;
  isFinalProblem(problem: P): boolean;
}

/**
 * Admission of subscriptions (refs per subscription, subscriptions per caller, watchers in
 * total) and their streams over the shared watchers. The per-caller counts live here, not
 * in a transport, so SSE and graphql-ws share one cap.
 */
export class LiveSubscriptions {
  private readonly perClient = new Map<string, number>();
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
    return this.perClient.get(callerId) ?? 0;
  }

  /** The event stream of one subscription, or a SubscriptionRefused saying why not. */
  start<P>(request: OpenRequest<P>): StatusStream<P> {
    const { caller, refs } = request;
    if (this.settings.refuseAnonymous && caller.kind === 'anonymous') {
      this.refuse('UNAUTHENTICATED', 'subscriptions need an API key or a bearer token in live mode (each one holds upstream watchers)');
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
    const keys = refs.flatMap(({ message }) => (message ? [`${message.provider}:${message.id}`] : []));
    if (!this.watchers.hasRoomFor(keys)) {
      this.refuse('WATCHER_LIMIT', `this server watches at most ${this.settings.maxWatchers} messages at once (SUBSCRIPTION_MAX_WATCHERS); retry later`, {
        maxWatchers: this.settings.maxWatchers,
      });
    }

    this.perClient.set(caller.id, held + 1);
    this.metrics?.subscriptionOpened();
    const stream: StatusStream<P> = new StatusStream<P>({
      refs,
      isFinalProblem: request.isFinalProblem,
      watch: (provider, id, listener) => this.watchers.watch(provider, id, listener),
      maxLifetimeMs: this.settings.maxLifetimeMs,
      onEnd: () => this.release(caller.id, stream),
    });
    this.streams.add(stream as StatusStream<unknown>);
    return stream;
  }

  /** Ends every open subscription (they complete normally): shutdown, so long-lived responses do not hold the drain. */
  async endAll(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.return()));
  }

  private release(callerId: string, stream: StatusStream<unknown>): void {
    this.streams.delete(stream);
    const held = this.openBy(callerId) - 1;
    // No entry for a caller with nothing open: the map never grows with callers that left.
    if (held > 0) this.perClient.set(callerId, held);
    else this.perClient.delete(callerId);
    this.metrics?.subscriptionClosed();
  }

  private refuse(code: SubscriptionRefusal, message: string, details?: Record<string, number>): never {
    this.metrics?.subscriptionRefused(code);
    throw new SubscriptionRefused(code, message, details);
  }
}
