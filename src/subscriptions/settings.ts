/** Every figure of the live path (subscriptions and watchers); read from the environment in src/config.ts. */
export interface LiveSettings {
  /** Longest life of one subscription; it then completes and the client may subscribe again. */
  maxLifetimeMs: number;
  /** Open subscriptions one caller (key, token subject or anonymous address) may hold at once. */
  maxPerClient: number;
  /** Messages watched at once across all subscriptions; a subscription that needs more is refused. */
  maxWatchers: number;
  /**
   * Messages one caller's open subscriptions watch together, summed over its subscriptions (a
   * message in two of them counts twice, a ref repeated in one counts once; a ref stops
   * counting once final); a subscription that would pass it is refused.
   */
  maxWatchersPerClient: number;
  /** First poll delay of a watcher, and the delay again after each change of state. */
  pollMinMs: number;
  /** Longest poll delay: the delay doubles after each poll that changed nothing, up to this. */
  pollMaxMs: number;
  /** Live mode refuses anonymous subscriptions even when ALLOW_ANONYMOUS lets anonymous queries in. */
  refuseAnonymous: boolean;
}
