import type { SharedTier } from '../lookup/shared-tier.js';
import type { SharedStateSettings } from './settings.js';
import type { SharedCache } from './shared-cache.js';
import type { SharedSingleFlight } from './single-flight.js';

/** The lookup path's shared tier over Redis: the cache tier and single flight, with the configured lock figures. */
export function redisLookupTier(cache: SharedCache, flights: SharedSingleFlight, config: Pick<SharedStateSettings, 'lockTtlMs' | 'lockWaitMs'>): SharedTier {
  return {
    look: (key) => flights.lookOrAcquire(key, config.lockTtlMs),
    write: (key, change) => cache.store(key, change),
    claim: (key) => flights.acquire(key, config.lockTtlMs),
    release: (key, token, answered) => void flights.release(key, token, answered),
    waitFor: (key, notBefore) => flights.waitFor(key, config.lockWaitMs, notBefore),
  };
}
