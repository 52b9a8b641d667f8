import { supersedes, type RecordMerge, type StateObservation } from '../../domain/status-merge.js';
import { DEFAULT_RECORD_BOUNDS, type RecordBounds } from '../../domain/record-bounds.js';
import { aggregateState } from './aggregate.js';
import type { D7MessageDetails, D7Record } from './normalize.js';

const observed = (m: D7MessageDetails): StateObservation => ({ state: m.state, isFinal: m.isFinal, observedAt: m.observedAt });

/**
 * The status merge for D7 reports, applied per `msg_id`: each message keeps whichever of the
 * known and incoming versions the rule prefers, and the report's state is aggregated again.
 * Returns `known` itself when nothing incoming was taken.
 *
 * Which messages a report has is the provider's answer: a message it has listed (confirmed)
 * stays. A message known only from webhook events (unconfirmed) is held, at most
 * `maxUnconfirmed` of them (the earliest held win; a later one is not taken), and dropped once
 * held `unconfirmedTtlMs` without the GET listing it; once the GET lists it, it is confirmed.
 * At most `maxMessages` messages in all: confirmed ones first.
 */
export function createD7Merge(bounds: RecordBounds = DEFAULT_RECORD_BOUNDS): RecordMerge {
  const merge: RecordMerge = (knownRecord, incomingRecord) => {
    const known = knownRecord as D7Record;
    const incoming = incomingRecord as D7Record;
    // By msg_id in lower case: an event's id is canonical (lower case), a GET's is as D7 wrote it.
    const rest = new Map(known.details.messages.map((m) => [m.msgId.toLowerCase(), m]));
    const merged = incoming.details.messages.map((m) => {
      const key = m.msgId.toLowerCase();
      const prev = rest.get(key);
      rest.delete(key);
      if (!prev) return m;
      // The very object already known (a webhook patch carries the report's other messages along) is nothing new.
      const kept = prev === m || !supersedes(observed(m), observed(prev)) ? prev : m;
      const other = kept === prev ? m : prev;
      // Listed by the other side's GET: confirmed. An event's version keeps its status and takes
      // the GET's other fields (template, reference, ...), which an event may lack.
      return kept.unconfirmedSince !== null && other.unconfirmedSince === null ? completedBy(other, kept) : kept;
    });
    merged.push(...rest.values());
    const now = Math.max(known.fetchedAt.getTime(), incoming.fetchedAt.getTime());
    const messages = bounded(merged, bounds, now);
    // Nothing new: the same messages (in any order) as known.
    const knownSet = new Set(known.details.messages);
    if (messages.length === knownSet.size && messages.every((m) => knownSet.has(m))) return known;
    return withMessages(incoming, messages);
  };
  merge.expire = (knownRecord, now) => {
    const known = knownRecord as D7Record;
    const messages = bounded(known.details.messages, bounds, now);
    if (messages.length === known.details.messages.length) return known;
    // A report the provider never listed, whose held messages all expired, is not found after all.
    if (messages.length === 0 && !known.details.messages.some((m) => m.unconfirmedSince === null)) return null;
    return withMessages(known, messages);
  };
  return merge;
}

/** Confirmed messages first (in order, at most `maxMessages`), then the unexpired unconfirmed ones, earliest held first, within both caps. */
function bounded(messages: readonly D7MessageDetails[], bounds: RecordBounds, now: number): D7MessageDetails[] {
  const confirmed = messages.filter((m) => m.unconfirmedSince === null);
  if (confirmed.length === messages.length && confirmed.length <= bounds.maxMessages) return confirmed;
  const kept = confirmed.slice(0, bounds.maxMessages);
  const room = Math.min(bounds.maxUnconfirmed, bounds.maxMessages - kept.length);
  if (room <= 0) return kept;
  const held = messages
    .filter((m) => m.unconfirmedSince !== null && now - m.unconfirmedSince < bounds.unconfirmedTtlMs)
    .sort((a, b) => a.unconfirmedSince! - b.unconfirmedSince!);
  // Back in their original order, so a held message keeps its place between merges.
  const admitted = new Set(held.slice(0, room));
  return [...kept, ...messages.filter((m) => admitted.has(m))];
}

/** The GET's message at the event's status: the reason GET gave explains only its own status. */
function completedBy(listed: D7MessageDetails, event: D7MessageDetails): D7MessageDetails {
  return {
    ...listed,
    status: event.status,
    state: event.state,
    isFinal: event.isFinal,
    observedAt: event.observedAt,
    reason: event.status === listed.status ? listed.reason : event.reason,
  };
}

/** `record` holding `messages` instead of its own, its state aggregated again. */
export function withMessages(record: D7Record, messages: D7MessageDetails[]): D7Record {
  const { state, isFinal } = aggregateState(
    messages.map((m) => m.state),
    record.details.scheduleTime !== null,
  );
  return { ...record, state, isFinal, details: { ...record.details, messages } };
}

/** With the default bounds (tests, and records read before the configuration is known). */
export const mergeD7Reports: RecordMerge = createD7Merge();
