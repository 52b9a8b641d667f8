import type { DeliveryState } from './delivery-state.js';
import type { MessageStatusRecord } from './message-status.js';

/**
 * The status merge: the one rule for whether a new answer about a message replaces what is
 * known. Every path that learns something about a message (a lookup's upstream call, and later
 * webhooks and the shared Redis tier) goes through `mergeAnswers`.
 *
 * Answers are ordered by when they were observed (when their upstream call started, or the
 * provider's event time), never by when they arrived. On top of that order:
 * - a state never moves backwards on the progress ladder PENDING < SCHEDULED < SENT < DELIVERED < READ;
 * - FAILED sits between SENT and DELIVERED: a DELIVERED may follow it (another device), a FAILED
 *   never replaces a DELIVERED or READ;
 * - a final state (READ, REJECTED, EXPIRED, DELETED) is never replaced by a non-final one, and
 *   DELETED (deleted by the recipient, after reading) may follow READ;
 * - UNKNOWN (a status this service cannot place) is ordered by time alone, and never replaces a final state;
 * - between answers of the same rank the newer observation wins (it refreshes the details).
 * A provider that goes backwards by itself (a poll saying SENT after READ) is therefore kept at
 * what is known; the merge reports it as a regression so it can be logged and counted.
 */
const RANK: Record<DeliveryState, number> = {
  PENDING: 0,
  SCHEDULED: 1,
  SENT: 2,
  FAILED: 3,
  DELIVERED: 4,
  READ: 5,
  REJECTED: 5,
  EXPIRED: 5,
  DELETED: 6,
  UNKNOWN: -1,
};

export interface StateObservation {
  state: DeliveryState;
  isFinal: boolean;
  /** When it was observed, epoch ms. */
  observedAt: number;
}

/** True when `incoming` should replace `known` for one message (see the rule above). */
export function supersedes(incoming: StateObservation, known: StateObservation): boolean {
  if (known.isFinal && !incoming.isFinal) return false;
  if (incoming.state === 'UNKNOWN' || known.state === 'UNKNOWN') return incoming.observedAt >= known.observedAt;
  const delta = RANK[incoming.state] - RANK[known.state];
  return delta !== 0 ? delta > 0 : incoming.observedAt >= known.observedAt;
}

/** What the service knows about one message: a record, or null when the provider said "not found". */
export interface Answer {
  record: MessageStatusRecord | null;
  /** When the newest answer taken into account was observed (epoch ms); at least the record's fetchedAt. */
  checkedAt: number;
}

/**
 * Merges two records about the same message. Provider modules whose records hold several
 * messages (a D7 report) merge per message; the default compares the records as a whole.
 */
export type RecordMerge = ((known: MessageStatusRecord, incoming: MessageStatusRecord) => MessageStatusRecord) & {
  /**
   * What remains of `known` at `now` when the provider answers "not found": a record may hold
   * parts known only from webhooks (D7: unconfirmed messages) that expire if the provider never
   * lists them. Null: nothing the provider confirmed is left. Absent: the record is kept whole.
   */
  expire?(known: MessageStatusRecord, now: number): MessageStatusRecord | null;
};

export const mergeWholeRecords: RecordMerge = (known, incoming) =>
  supersedes(observationOf(incoming), observationOf(known)) ? incoming : known;

export function observationOf(record: MessageStatusRecord): StateObservation {
  return { state: record.state, isFinal: record.isFinal, observedAt: record.fetchedAt.getTime() };
}

export interface MergeOutcome {
  answer: Answer;
  /** The shown record changed (a new state or new details). */
  changed: boolean;
  /** The incoming answer, observed later than what is known, went backwards and was not taken. */
  regressed: boolean;
}

/**
 * Merges an incoming answer, observed at `observedAt`, into what is known.
 * Not found versus a record: a record always wins (the provider knew the message at some
 * point), and a newer not-found only replaces an older not-found; except the parts of a record
 * known only from webhooks, which expire (`RecordMerge.expire`).
 */
export function mergeAnswers(known: Answer | undefined, incoming: MessageStatusRecord | null, observedAt: number, merge: RecordMerge = mergeWholeRecords): MergeOutcome {
  if (!known) return { answer: { record: incoming, checkedAt: observedAt }, changed: true, regressed: false };
  const checkedAt = Math.max(known.checkedAt, observedAt);
  const newer = observedAt >= known.checkedAt;
  if (incoming === null) {
    const left = known.record && merge.expire ? merge.expire(known.record, observedAt) : known.record;
    if (left !== known.record) return { answer: { record: left, checkedAt }, changed: true, regressed: false };
    const regressed = known.record !== null && newer;
    return { answer: { record: known.record, checkedAt }, changed: false, regressed };
  }
  if (known.record === null) return { answer: { record: incoming, checkedAt }, changed: true, regressed: false };
  const record = merge(known.record, incoming);
  const changed = record !== known.record;
  // Took nothing from an answer newer than everything known: the provider went backwards.
  const regressed = newer && record === known.record && !sameState(known.record, incoming);
  return { answer: { record, checkedAt }, changed, regressed };
}

function sameState(a: MessageStatusRecord, b: MessageStatusRecord): boolean {
  return a.state === b.state && a.isFinal === b.isFinal;
}
