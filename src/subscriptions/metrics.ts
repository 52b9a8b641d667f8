/** What the live path reports (src/observability/metrics.ts implements it with bounded labels). */
export interface LiveMetrics {
  subscriptionOpened(): void;
  subscriptionClosed(): void;
  /** A subscription refused before it started; `reason` is one of a fixed set of codes. */
  subscriptionRefused(reason: SubscriptionRefusal): void;
  watcherStarted(): void;
  watcherStopped(): void;
  /** One poll by a watcher: whether it changed what is known, changed nothing, or failed. */
  watcherPoll(provider: string, outcome: 'changed' | 'unchanged' | 'error'): void;
  /** With several replicas: a try to take a message's watcher lease (won, held by another replica, unavailable), or a lease found lost on renewal. */
  watcherLease(outcome: WatcherLeaseOutcome): void;
}

export type WatcherLeaseOutcome = 'won' | 'held' | 'unavailable' | 'lost';

/** The `extensions.code` of each refusal, also the `reason` label of the refusal counter. */
export type SubscriptionRefusal = 'BATCH_TOO_LARGE' | 'TOO_MANY_SUBSCRIPTIONS' | 'WATCHER_LIMIT' | 'CLIENT_WATCHER_LIMIT' | 'UNAUTHENTICATED' | 'NOT_ACCEPTABLE';

/** What the graphql-ws transport reports: sockets open now, and sockets it closed by its own limits. */
export interface WsMetrics {
  wsSocketOpened(): void;
  wsSocketClosed(): void;
  /** A socket closed by this server's limits: past MAX_WS_SOCKETS_PER_CLIENT, or idle past WS_IDLE_TIMEOUT_MS. */
  wsSocketLimited(reason: WsSocketLimit): void;
}

export type WsSocketLimit = 'too_many_sockets' | 'idle';
