import type { MessageStatusRecord } from './message-status.js';

/** Whether `next` tells a subscriber anything `previous` did not (`fetchedAt` alone does not). */
export function isNews(previous: MessageStatusRecord, next: MessageStatusRecord): boolean {
  if (previous.state !== next.state || previous.isFinal !== next.isFinal) return true;
  // Once per change of a watched message (and once per subscription start), not per subscriber and event; details are small plain data.
  return JSON.stringify(previous.details, withoutObservationTimes) !== JSON.stringify(next.details, withoutObservationTimes);
}

/** Per-part observation times (a D7 message's `observedAt`, used by its merge) move with every poll; they are not news. */
function withoutObservationTimes(key: string, value: unknown): unknown {
  return key === 'observedAt' ? undefined : value;
}
