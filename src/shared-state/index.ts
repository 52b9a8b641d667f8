import type { Registry } from 'prom-client';
import { DEFAULT_RECORD_BOUNDS, type RecordBounds } from '../domain/record-bounds.js';
import type { Logger } from '../logger.js';
import type { AnyProviderModule } from '../providers/provider.js';
import { providers as defaultProviders } from '../providers/registry.js';
import type { SharedStateSettings } from './settings.js';
import { connectRedis, type RedisConnection } from './connection.js';
import { EventBus, statusChangeSchema, type StatusChange } from './event-bus.js';
import { RedisKeptJournal } from './kept-journal.js';
import { useRedisHealth } from './use-redis-health.js';
import { Leases } from './lease.js';
import { createRedisMetrics } from './metrics.js';
import { RedisBuckets } from './rate-limit.js';
import { SharedCache } from './shared-cache.js';
import { SharedSingleFlight } from './single-flight.js';
import { createEntryCodec, type EntryCodec } from './entry-format.js';
import { createAnswerCodec } from './stored-answer.js';

/**
 * The Redis tier of one replica (REDIS_URL set). Every part answers undefined or false when Redis
 * is down or slow, for the caller to do what one process alone does.
 */
export interface SharedState {
  connection: RedisConnection;
  /** Second cache tier under the process LRU. */
  cache: SharedCache;
  /** How answers map onto the cache tier's entries (and what changed in a record, for status events). */
  entries: EntryCodec;
  /** One upstream call per key across replicas. */
  singleFlight: SharedSingleFlight;
  /** Status changes heard by every replica. */
  statusEvents: EventBus<StatusChange>;
  /** One holder per key across replicas (watchers). */
  leases: Leases;
  /** Rate-limit buckets shared by replicas (wired into the security layer). */
  buckets: RedisBuckets;
  /** What webhooks said that the providers have not shown yet, for every replica to finish (src/webhooks/kept-completer.ts). */
  keptJournal: RedisKeptJournal;
  /** Yoga plugin: the Redis state in /health. */
  healthPlugin: ReturnType<typeof useRedisHealth>;
  close(): Promise<void>;
}

/**
 * Connects (in the background) and builds every part; nothing here waits for Redis. `records`:
 * what one record may hold (an entry holds at most that many parts); `maxKeptParts`:
 * MAX_KEPT_WEBHOOK_MESSAGES (its default when absent).
 */
export function createSharedState(
  config: SharedStateSettings,
  deps: { logger: Logger; registry: Registry; replicaId?: string; records?: RecordBounds; maxKeptParts?: number; providers?: readonly AnyProviderModule[] },
): SharedState {
  // Records of any provider not in the list are refused when read back.
  const providers = deps.providers ?? defaultProviders;
  const metrics = createRedisMetrics(deps.registry);
  const connection = connectRedis(config, { logger: deps.logger, metrics, replicaId: deps.replicaId });
  const answers = createAnswerCodec(providers);
  const entries = createEntryCodec(providers, answers);
  const records = deps.records ?? DEFAULT_RECORD_BOUNDS;
  const statusEvents = new EventBus(connection, 'status-events', statusChangeSchema(answers), metrics.sentBytes);
  const cache = new SharedCache(
    connection,
    entries,
    {
      maxParts: records.maxMessages + records.maxUnconfirmed,
      announce: (key, answer) => statusEvents.publish({ key, answer, partial: false }),
    },
    metrics,
  );
  const singleFlight = new SharedSingleFlight(connection, cache, entries, undefined, metrics);
  return {
    connection,
    cache,
    entries,
    singleFlight,
    statusEvents,
    leases: new Leases(connection, 'watcher'),
    buckets: new RedisBuckets(connection),
    keptJournal: new RedisKeptJournal(connection, answers, deps.maxKeptParts ?? 10_000),
    healthPlugin: useRedisHealth(() => connection.state),
    async close() {
      singleFlight.close();
      cache.close();
      await connection.close();
    },
  };
}
