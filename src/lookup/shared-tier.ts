import type { Answer } from '../domain/status-merge.js';

/** What became of a write: stored ('written'), already held there ('kept'), or not stored (Redis did not answer, or other replicas kept winning). */
export type SharedWrite = 'written' | 'kept' | 'conflict' | 'unavailable';

/** A replica's claim to make the upstream call for a key, across replicas. */
export type FlightClaim = { outcome: 'won'; token: string } | { outcome: 'held' } | { outcome: 'unavailable' };

/**
 * Given the answer the tier holds for a key (undefined: none), what to store there and for how
 * long; undefined when the tier already holds as much.
 */
export type SettleStored = (stored: Answer | undefined) => { answer: Answer; ttlMs: number } | undefined;

/** What a local miss finds in the tier: the answer another replica stored, or, when there is none, its claim of the upstream call. */
export interface TierLook {
  stored: Answer | undefined;
  /** Undefined when an entry was found (none was tried): claim separately if it is of no use. */
  claim: FlightClaim | undefined;
}

/**
 * What the lookup path needs of a tier shared between replicas (src/shared-state/ implements
 * it over Redis). Every method resolves, never rejects, and gives undefined or 'unavailable'
 * when the tier cannot answer in time: the lookup then does what one process alone does.
 */
export interface SharedTier {
  /** The answer another replica stored; when there is none, the claim of the upstream call too (one round trip). */
  look(key: string): Promise<TierLook>;
  /** Stores what `settle` makes of the stored answer, atomically against other replicas' writes; callers need not wait. */
  write(key: string, settle: SettleStored): Promise<SharedWrite>;
  /** Claims the upstream call for `key`. */
  claim(key: string): Promise<FlightClaim>;
  /** Releases a won claim, waking the replicas that wait (`answered`: the answer is stored, read it; else call yourselves). */
  release(key: string, token: string, answered: boolean): void;
  /**
   * The answer the claim's holder stored, or undefined after the wait bound. An entry observed
   * no later than `notBefore` is not the holder's answer: the wait goes on while the claim is held.
   */
  waitFor(key: string, notBefore: number): Promise<Answer | undefined>;
}
