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
export type SubscriptionRefusal = 'BATCH_TOO_LARGE' | 'TOO_MANY_SUBSCRIPTIONS' | 'WATCHER_LIMIT' | 'UNAUTHENTICATED';
