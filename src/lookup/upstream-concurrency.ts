import { int, type AreaSettings, type EnvValues } from '../env-values.js';

/*
 * How many calls each provider gets at once, and the sockets to carry them (an area of its own:
 * it sets the lookup path's bulkhead and the providers' pools, src/config.ts joins them). The interactive
 * lane's limit adapts (src/lookup/policy/adaptive-limit.ts) between a floor and a ceiling; the
 * pool's sockets follow the ceiling, so undici never caps below the limit.
 */

/** Default ceiling: past it, 16 clients × 10 fresh ids at 20 ms are not throttled (bench/RESULTS.md). */
const DEFAULT_MAX = 256;
/** Where the limit starts, when BULKHEAD_CONCURRENCY does not say. */
const DEFAULT_INITIAL = 32;

export const upstreamConcurrencyEnv = {
  UPSTREAM_CONCURRENCY_MIN: int(1, 1024).default(4),
  // Unset: BULKHEAD_CONCURRENCY when set (its old meaning: the most calls at once), else 256; never more than UPSTREAM_CONNECTIONS.
  UPSTREAM_CONCURRENCY_MAX: int(1, 1024).optional(),
  // Deprecated: the limit's start, and its ceiling unless UPSTREAM_CONCURRENCY_MAX is set.
  BULKHEAD_CONCURRENCY: int(1, 10_000).optional(),
  // Unset: the ceiling plus the poll lane (WATCHER_POLL_CONCURRENCY), one socket per slot.
  UPSTREAM_CONNECTIONS: int(1, 1024).optional(),
};

/** Floor and ceiling of a provider's adaptive limit of interactive calls (see policy/adaptive-limit.ts). */
export interface AdaptiveLimitSettings {
  min: number;
  max: number;
}

export interface UpstreamConcurrency {
  /** The interactive limit before the first sample. */
  initial: number;
  /** Floor and ceiling of the interactive limit. */
  limit: AdaptiveLimitSettings;
  /** Sockets per provider origin. */
  connections: number;
}

/**
 * Old deployments keep their meaning: a set BULKHEAD_CONCURRENCY was the most calls at once, so
 * it stays the ceiling (and the start); a set UPSTREAM_CONNECTIONS caps the ceiling, since a
 * call past the sockets would wait inside the pool on its attempt timeout.
 */
export function upstreamConcurrency(values: EnvValues<typeof upstreamConcurrencyEnv>, pollConcurrency: number): AreaSettings<UpstreamConcurrency> {
  const problems: string[] = [];
  const explicitMax = values.UPSTREAM_CONCURRENCY_MAX;
  let max = explicitMax ?? Math.min(values.BULKHEAD_CONCURRENCY ?? DEFAULT_MAX, values.UPSTREAM_CONNECTIONS ?? Number.POSITIVE_INFINITY);
  if (explicitMax !== undefined && values.UPSTREAM_CONNECTIONS !== undefined && values.UPSTREAM_CONNECTIONS < explicitMax) {
    problems.push(`UPSTREAM_CONNECTIONS: must be at least UPSTREAM_CONCURRENCY_MAX (${explicitMax}), or calls past the sockets wait inside the pool`);
    max = values.UPSTREAM_CONNECTIONS;
  }
  if (explicitMax !== undefined && values.UPSTREAM_CONCURRENCY_MIN > explicitMax) problems.push('UPSTREAM_CONCURRENCY_MIN: must not exceed UPSTREAM_CONCURRENCY_MAX');
  // A ceiling from the old variables may sit below the default floor: the floor gives way.
  const min = Math.min(values.UPSTREAM_CONCURRENCY_MIN, max);
  const initial = Math.min(max, Math.max(min, values.BULKHEAD_CONCURRENCY ?? DEFAULT_INITIAL));
  const connections = values.UPSTREAM_CONNECTIONS ?? max + pollConcurrency;
  return { settings: { initial, limit: { min, max }, connections }, problems };
}
