import type { Answer } from '../domain/status-merge.js';

/** A replica's claim to make the upstream call for a key, across replicas. */
export type FlightClaim = { outcome: 'won'; token: string } | { outcome: 'held' } | { outcome: 'unavailable' };

/**
 * What the lookup path needs of a tier shared between replicas (src/shared-state/ implements
 * it over Redis). Every method resolves, never rejects, and gives undefined or 'unavailable'
 * when the tier cannot answer in time: the lookup then does what one process alone does.
 */
export interface SharedTier {
  /** The answer another replica stored, if any. */
  read(key: string): Promise<Answer | undefined>;
  /** Stores what is known after a merge (fire and forget). */
  write(key: string, answer: Answer, ttlMs: number): void;
  /** Claims the upstream call for `key`. */
  claim(key: string): Promise<FlightClaim>;
  /** Releases a won claim, publishing the answer (null: the call failed) to the replicas waiting. */
  release(key: string, token: string, answer: Answer | null): void;
  /** The answer the claim's holder publishes, or undefined after the wait bound. */
  waitFor(key: string): Promise<Answer | undefined>;
}
