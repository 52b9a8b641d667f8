import { int, type AreaSettings, type EnvValues } from '../env-values.js';

/** Variables of subscriptions and the watchers behind them (collected by src/config.ts). */
export const liveEnv = {
  SUBSCRIPTION_MAX_LIFETIME_MS: int(1_000, 86_400_000).default(3_600_000),
  MAX_SUBSCRIPTIONS_PER_CLIENT: int(1, 1_000_000).default(100),
  SUBSCRIPTION_MAX_WATCHERS: int(1, 10_000_000).default(10_000),
  MAX_WATCHERS_PER_CLIENT: int(1, 10_000_000).default(1_000),
  WATCHER_POLL_MIN_MS: int(10, 3_600_000).default(2_000),
  WATCHER_POLL_MAX_MS: int(10, 3_600_000).default(60_000),
};

/** Every figure of the live path (subscriptions and watchers). */
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

/** From the parsed variables; live mode refuses anonymous subscriptions. */
export function liveSettings(values: EnvValues<typeof liveEnv>, mode: 'sandbox' | 'live'): AreaSettings<LiveSettings> {
  return {
    settings: {
      maxLifetimeMs: values.SUBSCRIPTION_MAX_LIFETIME_MS,
      maxPerClient: values.MAX_SUBSCRIPTIONS_PER_CLIENT,
      maxWatchers: values.SUBSCRIPTION_MAX_WATCHERS,
      maxWatchersPerClient: values.MAX_WATCHERS_PER_CLIENT,
      pollMinMs: values.WATCHER_POLL_MIN_MS,
      pollMaxMs: values.WATCHER_POLL_MAX_MS,
      refuseAnonymous: mode === 'live',
    },
    problems: values.WATCHER_POLL_MIN_MS > values.WATCHER_POLL_MAX_MS ? ['WATCHER_POLL_MIN_MS: must not exceed WATCHER_POLL_MAX_MS'] : [],
  };
}
