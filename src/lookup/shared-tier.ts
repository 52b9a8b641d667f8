import type { Answer, RecordMerge } from '../domain/status-merge.js';

/** A replica's claim to make the upstream call for a key, across replicas. */
export type FlightClaim = { outcome: 'won'; token: string } | { outcome: 'held' } | { outcome: 'unavailable' };

/**
 * A change to store in the tier: what this replica knew before it and after it. What is sent is
 * what differs between the two (the parts a merge did not keep as they were: one D7 message for
 * one delivery event), merged with what the tier holds by the same status merge.
 */
export interface SharedWrite {
  /** Undefined when nothing was known: the whole answer is sent. */
  before: Answer | undefined;
  after: Answer;
  /** The provider's status merge (D7: per message); undefined compares whole records. */
  merge: RecordMerge | undefined;
  /** How long an answer is kept from its checkedAt (by finality): the entry's lifetime. */
  lifetimeOf(answer: Answer): number;
}

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
  /**
   * Stores a change, merged with what the tier holds, atomically against other replicas' writes.
   * True once the tier holds it (or as much); false when it could not yet: the tier sends it
   * again by itself (with the key's next write, or once it answers again).
   */
  write(key: string, change: SharedWrite): Promise<boolean>;
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
