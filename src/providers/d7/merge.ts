import { supersedes, type RecordMerge, type StateObservation } from '../../domain/status-merge.js';
import { aggregateState } from './aggregate.js';
import type { D7MessageDetails, D7Record } from './normalize.js';

const observed = (m: D7MessageDetails): StateObservation => ({ state: m.state, isFinal: m.isFinal, observedAt: m.observedAt });

/**
 * Duplicate `msg_id`s in one body merge by the status merge rule (all observed at once, so the
 * most advanced wins; between equals, the later entry). Keeps the order of first appearance.
 */
export function dedupeMessages(messages: readonly D7MessageDetails[]): D7MessageDetails[] {
  const byId = new Map<string, D7MessageDetails>();
  for (const m of messages) {
    const seen = byId.get(m.msgId);
    if (!seen || supersedes(observed(m), observed(seen))) byId.set(m.msgId, m);
  }
  return [...byId.values()];
}

/**
 * The status merge for D7 reports, applied per `msg_id`: each message keeps whichever of the
 * known and incoming versions the rule prefers, messages only one side names are kept, and
 * the report's state is aggregated again. Returns `known` itself when nothing incoming was taken.
 */
export const mergeD7Reports: RecordMerge = (knownRecord, incomingRecord) => {
  const known = knownRecord as D7Record;
  const incoming = incomingRecord as D7Record;
  const rest = new Map(known.details.messages.map((m) => [m.msgId, m]));
  let took = false;
  const messages = incoming.details.messages.map((m) => {
    const prev = rest.get(m.msgId);
    rest.delete(m.msgId);
    // The very object already known (a webhook patch carries the report's other messages along) is nothing new.
    if (prev && (prev === m || !supersedes(observed(m), observed(prev)))) return prev;
    took = true;
    return m;
  });
  if (!took) return known;
  messages.push(...rest.values());
  const scheduleTime = incoming.details.scheduleTime;
  const { state, isFinal } = aggregateState(
    messages.map((m) => m.state),
    scheduleTime !== null,
  );
  return { ...incoming, state, isFinal, details: { ...incoming.details, messages } };
};
