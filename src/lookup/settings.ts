import { int, type AreaSettings, type EnvValues } from '../env-values.js';
import { upstreamConcurrency, upstreamConcurrencyEnv, type AdaptiveLimitSettings } from './upstream-concurrency.js';

export type { AdaptiveLimitSettings } from './upstream-concurrency.js';

/** Variables of the lookup path: batching, concurrency, the resilience layer and the cache (collected by src/config.ts). */
export const lookupEnv = {
  MAX_BATCH_SIZE: int(1, 1000).default(100),
  LOOKUP_CONCURRENCY: int(1, 1000).default(100),
  // Upstream lookups one client has in flight at once, across its requests: a share of the bulkhead queue (BULKHEAD_QUEUE, 2048).
  LOOKUPS_IN_FLIGHT_PER_CLIENT: int(1, 100_000).default(200),
  REQUEST_DEADLINE_MS: int(100, 120_000).default(8_000),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: int(50, 120_000).default(5_000),
  BULKHEAD_QUEUE: int(0, 100_000).default(2_048),
  WATCHER_POLL_CONCURRENCY: int(1, 10_000).default(8),
  BREAKER_THRESHOLD: int(1, 1000).default(5),
  BREAKER_HALF_OPEN_MS: int(10, 3_600_000).default(10_000),
  RETRY_MAX: int(0, 10).default(2),
  RETRY_BASE_MS: int(1, 60_000).default(100),
  RETRY_MAX_DELAY_MS: int(1, 60_000).default(1_000),
  RETRY_AFTER_CAP_MS: int(0, 60_000).default(2_000),
  CACHE_MAX_ENTRIES: int(0, 10_000_000).default(10_000),
  CACHE_MAX_BYTES: int(65_536, 2 ** 40).default(64 * 1024 * 1024),
  CACHE_TTL_FINAL_MS: int(0, 86_400_000).default(600_000),
  CACHE_TTL_MOVING_MS: int(0, 86_400_000).default(5_000),
  CACHE_TTL_NOT_FOUND_MS: int(0, 86_400_000).default(2_000),
  ...upstreamConcurrencyEnv,
};

/** Every figure of the lookup path. */
export interface LookupSettings {
  /** Most refs in one `messageStatuses`. */
  maxBatchSize: number;
  /** Lookups of one request in flight at once, per provider. */
  lookupConcurrency: number;
  /** Upstream lookups one client (API key, JWT subject, address) has in flight at once; past it they wait their turn. */
  lookupsInFlightPerClient: number;
  resilience: ResilienceSettings;
  /** Floor and ceiling of each provider's adaptive limit of interactive calls; it starts at resilience.bulkheadConcurrency. */
  adaptiveLimit: AdaptiveLimitSettings;
  /** Sockets per provider origin: the ceiling plus the poll lane unless UPSTREAM_CONNECTIONS says (src/config.ts hands them to the providers' pools). */
  upstreamConnections: number;
  cache: CacheSettings;
}

/** Every figure of the resilience layer. */
export interface ResilienceSettings {
  /** Overall deadline of one GraphQL request; no retry runs past it. */
  requestDeadlineMs: number;
  /** Longest single upstream attempt, body included (undici's own timeouts are per phase). */
  attemptTimeoutMs: number;
  /** Interactive upstream calls running at once, per provider: where the adaptive limit starts (fixed without one). */
  bulkheadConcurrency: number;
  /** Calls waiting for a slot, per provider; more fail fast as UNAVAILABLE. */
  bulkheadQueue: number;
  /** Watcher polls running at once, per provider, in their own lane: they never take an interactive slot. With an adaptive limit, the most: the lane shrinks with it. */
  pollConcurrency: number;
  /** Distinct message ids a run of consecutive failed calls must span to open a provider's circuit (repeats of an id count once). */
  breakerThreshold: number;
  /** How long an open circuit waits before letting one probe through. */
  breakerHalfOpenMs: number;
  /** Retries after the first attempt (connection errors, 429, 502, 503, 504 only). */
  retryMax: number;
  /** First backoff delay; later ones grow exponentially, with jitter. */
  retryBaseMs: number;
  /** Largest backoff delay. */
  retryMaxDelayMs: number;
  /** Longest Retry-After honoured; a provider asking for more is not retried. */
  retryAfterCapMs: number;
}

export interface CacheSettings {
  /** Most entries kept (LRU); 0 turns the cache off. */
  maxEntries: number;
  /** Most bytes the entries may hold, by an estimate of each record's size (LRU); undefined: 64 MiB. */
  maxBytes?: number;
  /** Time to live of a final state (READ, REJECTED, EXPIRED, DELETED). */
  finalTtlMs: number;
  /** Time to live of a state that may still change. */
  movingTtlMs: number;
  /** Time to live of a "not found" answer. */
  notFoundTtlMs: number;
}

/** From the parsed variables; the concurrency ones may conflict (upstream-concurrency.ts). */
export function lookupSettings(values: EnvValues<typeof lookupEnv>): AreaSettings<LookupSettings> {
  const concurrency = upstreamConcurrency(values, values.WATCHER_POLL_CONCURRENCY);
  return {
    settings: {
      maxBatchSize: values.MAX_BATCH_SIZE,
      lookupConcurrency: values.LOOKUP_CONCURRENCY,
      lookupsInFlightPerClient: values.LOOKUPS_IN_FLIGHT_PER_CLIENT,
      resilience: {
        requestDeadlineMs: values.REQUEST_DEADLINE_MS,
        attemptTimeoutMs: values.UPSTREAM_ATTEMPT_TIMEOUT_MS,
        bulkheadConcurrency: concurrency.settings.initial,
        bulkheadQueue: values.BULKHEAD_QUEUE,
        pollConcurrency: values.WATCHER_POLL_CONCURRENCY,
        breakerThreshold: values.BREAKER_THRESHOLD,
        breakerHalfOpenMs: values.BREAKER_HALF_OPEN_MS,
        retryMax: values.RETRY_MAX,
        retryBaseMs: values.RETRY_BASE_MS,
        retryMaxDelayMs: values.RETRY_MAX_DELAY_MS,
        retryAfterCapMs: values.RETRY_AFTER_CAP_MS,
      },
      adaptiveLimit: concurrency.settings.limit,
      upstreamConnections: concurrency.settings.connections,
      cache: {
        maxEntries: values.CACHE_MAX_ENTRIES,
        maxBytes: values.CACHE_MAX_BYTES,
        finalTtlMs: values.CACHE_TTL_FINAL_MS,
        movingTtlMs: values.CACHE_TTL_MOVING_MS,
        notFoundTtlMs: values.CACHE_TTL_NOT_FOUND_MS,
      },
    },
    problems: concurrency.problems,
  };
}
