import type { Answer, RecordMerge } from '../../src/domain/status-merge.js';
import type { SharedWrite } from '../../src/lookup/shared-tier.js';
import { providers } from '../../src/providers/registry.js';
import type { RedisConnection } from '../../src/shared-state/connection.js';
import { createEntryCodec } from '../../src/shared-state/entry-format.js';
import type { RedisMetrics } from '../../src/shared-state/metrics.js';
import { SharedCache } from '../../src/shared-state/shared-cache.js';
import { createAnswerCodec } from '../../src/shared-state/stored-answer.js';

/** The codecs every replica builds (src/shared-state/index.ts). */
export const answers = createAnswerCodec(providers);
export const entries = createEntryCodec(providers, answers);

/** A shared cache tier over `redis`, with the default record bounds unless `maxParts` says; close it after use (its repay timer). */
export function sharedCacheOn(redis: RedisConnection, metrics?: RedisMetrics, maxParts = 1_020): SharedCache {
  return new SharedCache(redis, entries, { maxParts }, metrics);
}

/** Storing `after` as a replica that knew `before` (undefined: nothing, so the whole answer) would, kept `ttlMs` from now. */
export function change(after: Answer, before?: Answer, merge?: RecordMerge, ttlMs = 10_000): SharedWrite {
  return { before, after, merge, lifetimeOf: (answer) => Date.now() + ttlMs - answer.checkedAt };
}
