import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type RedisState = 'up' | 'down';

/** Why a Redis command gave no answer: it failed, it took too long, or Redis was known down. */
export type RedisFailure = 'error' | 'timeout' | 'down';

/** What a shared cache read found: an entry, none, one this version cannot read, or no answer from Redis. */
export type SharedCacheRead = 'hit' | 'miss' | 'invalid' | 'unavailable';

/**
 * How a shared cache write ended: stored, not needed (Redis held as much), or owed (sent again
 * later): other replicas kept changing the same parts for the whole retry window, or no answer from Redis.
 */
export type SharedCacheWrite = 'written' | 'kept' | 'conflict' | 'unavailable';

/** Single flight across replicas: how an acquire ended, and how a wait for another replica ended. */
export type SingleFlightEvent = 'won' | 'held' | 'unavailable' | 'answered' | 'no_answer' | 'timed_out';

/** What the Redis tier reports; `command` names come from this code, never from input. */
export interface RedisMetrics {
  commandSucceeded(command: string, durationMs: number): void;
  commandFailed(command: string, reason: RedisFailure): void;
  sharedCacheRead(result: SharedCacheRead): void;
  sharedCacheWrite(result: SharedCacheWrite): void;
  singleFlight(event: SingleFlightEvent): void;
  /** Parts of a shared cache write that another replica changed first (merged with it and sent again). */
  sharedCacheConflicts(parts: number): void;
  /** Bytes of entry fields (`cache_write`) or status events (`status_event`) sent to Redis. */
  sentBytes(what: SentBytes, bytes: number): void;
  /** Registers a gauge of owed shared cache writes, read at scrape time. */
  observeOwed(read: () => number): void;
  /** An owed write let go to stay within its bounds. */
  owedDropped(): void;
  /** Registers the gauges read at scrape time: the command connection (`redis_up`) and the pub/sub connection (`redis_pubsub_up`). */
  observeState(read: () => { commands: RedisState; pubsub: RedisState }): void;
}

/** What bytes sent to Redis were for. */
export type SentBytes = 'cache_write' | 'status_event';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/**
 * Redis series on the app's registry. Only created when REDIS_URL is set, so a deployment
 * without Redis shows none of them.
 */
export function createRedisMetrics(registry: Registry): RedisMetrics {
  const seconds = new Histogram({
    name: 'redis_command_duration_seconds',
    help: 'Latency of Redis commands that answered, by command',
    labelNames: ['command'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'redis_command_failures_total',
    help: 'Redis commands that gave no answer (the caller fell back to local behaviour), by command and reason (error, timeout, down)',
    labelNames: ['command', 'reason'],
    registers: [registry],
  });
  const cacheReads = new Counter({
    name: 'redis_cache_reads_total',
    help: 'Shared (Redis) cache reads, by result: hit, miss, invalid (an entry this version cannot read), unavailable (Redis did not answer)',
    labelNames: ['result'],
    registers: [registry],
  });
  const cacheWrites = new Counter({
    name: 'redis_cache_writes_total',
    help: 'Shared (Redis) cache writes, by result: written, kept (Redis already held as much or more), conflict (other replicas kept changing the same parts for the whole retry window; owed), unavailable (no answer from Redis; owed)',
    labelNames: ['result'],
    registers: [registry],
  });
  const flights = new Counter({
    name: 'redis_single_flight_total',
    help: 'Single flight across replicas: locks won, held by another replica or unavailable; waits answered, ended without an answer or timed out',
    labelNames: ['event'],
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'redis_cache_write_conflicts_total',
    help: 'Parts of shared (Redis) cache writes that another replica changed first: merged with what it stored and sent again',
    registers: [registry],
  });
  const sent = new Counter({
    name: 'redis_sent_bytes_total',
    help: 'Bytes sent to Redis for shared cache entries (cache_write: the parts and heads written) and status events (status_event), by what',
    labelNames: ['what'],
    registers: [registry],
  });
  const owedDropped = new Counter({
    name: 'redis_cache_owed_dropped_total',
    help: 'Owed shared cache writes let go to stay within their bounds (10,000 keys, 16 MB of records); the key is brought up to date by its next change',
    registers: [registry],
  });
  const sentChildren = { cache_write: sent.labels('cache_write'), status_event: sent.labels('status_event') };
  return {
    sharedCacheConflicts: (parts) => conflicts.inc(parts),
    sentBytes: (what, bytes) => sentChildren[what].inc(bytes),
    owedDropped: () => owedDropped.inc(),
    observeOwed(read) {
      new Gauge({
        name: 'redis_cache_owed_writes',
        help: 'Shared (Redis) cache writes that could not land yet (Redis did not answer, or conflicts for the whole retry window): sent again whole with the key\'s next write, every second while Redis answers, and when pub/sub resumes',
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    sharedCacheRead: (result) => cacheReads.inc({ result }),
    sharedCacheWrite: (result) => cacheWrites.inc({ result }),
    singleFlight: (event) => flights.inc({ event }),
    commandSucceeded: (command, durationMs) => seconds.observe({ command }, durationMs / 1000),
    commandFailed: (command, reason) => failures.inc({ command, reason }),
    observeState(read) {
      new Gauge({
        name: 'redis_up',
        help: '1 while this replica is connected to Redis and sharing state, 0 while it runs on local state only',
        registers: [registry],
        collect() {
          this.set(read().commands === 'up' ? 1 : 0);
        },
      });
      // Apart from redis_up: the pub/sub connection can drop while commands still work, and
      // then changes other replicas publish reach this one only by re-reading when it resumes.
      new Gauge({
        name: 'redis_pubsub_up',
        help: '1 while the Redis pub/sub connection of this replica is subscribed (it hears what other replicas publish), 0 while it is lost',
        registers: [registry],
        collect() {
          this.set(read().pubsub === 'up' ? 1 : 0);
        },
      });
    },
  };
}
