/** Every figure of the resilience layer; read from the environment in src/config.ts. */
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
  /** Consecutive failed calls that open a provider's circuit. */
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

/** Floor and ceiling of a provider's adaptive limit of interactive calls (see policy/adaptive-limit.ts). */
export interface AdaptiveLimitSettings {
  min: number;
  max: number;
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
