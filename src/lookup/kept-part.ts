import type { MessageStatusRecord } from '../domain/message-status.js';
import type { RecordMerge } from '../domain/status-merge.js';

/**
 * What one accepted webhook event said about one part of a record (D7: one message of a
 * report), as a record built from the event alone. It is kept until the provider's GET shows it
 * (the GET's answer, merged with it, takes nothing from it) or until `expiresAt`, so that no
 * cache eviction, failed or lagging GET, or replica's death loses it.
 */
export interface KeptPart {
  /** Names the part within its record (D7: the msg_id); one kept version per part. */
  part: string;
  record: MessageStatusRecord;
  /** The event's own time (clamped to its receipt), by which the status merge orders it. */
  observedAt: number;
  /** When it was received: its GET is retried with a backoff counted from the newest receipt. */
  receivedAt: number;
  /** Forgotten then, shown by the provider or not (UNCONFIRMED_MESSAGE_TTL_MS after its receipt). */
  expiresAt: number;
}

/** The kept parts of one record, and who is retrying its GET. */
export interface KeptEntry {
  provider: string;
  id: string;
  parts: KeptPart[];
}

/**
 * Kept (`part`: the version now kept, merged with an earlier one); 'full': the bound on kept parts
 * is reached; 'unavailable': the store (Redis) did not answer in time.
 */
export type KeepResult = { outcome: 'kept'; part: KeptPart } | { outcome: 'full' } | { outcome: 'unavailable' };

/**
 * Where kept parts live until the provider shows them: this process (KeptAnswers), or Redis so
 * that every replica, and a restarted one, can finish the work of one that died. Every method
 * resolves, never rejects.
 */
export interface KeptJournal {
  /**
   * Keeps `part` of the record of `provider`:`id`, merged by `merge` with the version of the same
   * part kept before; its record's GET is due at `dueAt` (the keeper tries it before then itself,
   * and settles it as if it had claimed it with that lease).
   */
  keep(provider: string, id: string, part: KeptPart, merge: RecordMerge, dueAt: number): Promise<KeepResult>;
  /**
   * At most `limit` entries whose GET is due by `now`, each leased to the caller until `leaseUntil`
   * (no one else claims it meanwhile; a caller that dies gives it up then).
   */
  claim(now: number, limit: number, leaseUntil: number): Promise<KeptEntry[]>;
  /**
   * Forgets the parts in `done` (the provider showed them, or they expired) unless kept again
   * since they were claimed; the entry's next GET is due at `dueAt`, or sooner if an event made it due.
   */
  settle(entry: KeptEntry, done: readonly KeptPart[], dueAt: number, leaseUntil: number): Promise<void>;
}
