import { isFinalState, type DeliveryState } from '../../domain/delivery-state.js';

const IN_PROGRESS: readonly DeliveryState[] = ['PENDING', 'SCHEDULED', 'SENT'];
const REACHED: readonly DeliveryState[] = ['DELIVERED', 'READ', 'DELETED'];
const FAILURES: readonly DeliveryState[] = ['REJECTED', 'FAILED', 'EXPIRED'];

/** The rule, as GraphQL clients read it in the D7Report.state description. */
export const AGGREGATION_RULE = [
  'A report covering several messages takes one state by these rules, first match wins:',
  '(1) no messages: SCHEDULED when the report has a schedule time, else PENDING;',
  '(2) any message still in progress: the least advanced of PENDING < SCHEDULED < SENT;',
  '(3) any message UNKNOWN: UNKNOWN;',
  '(4) any message failed: the first of REJECTED, FAILED, EXPIRED present (a partial failure is a failure);',
  '(5) otherwise every message reached the recipient: the least advanced of DELIVERED < READ < DELETED.',
  'isFinal is true only when every message is in a final state.',
].join(' ');

function firstPresent(order: readonly DeliveryState[], present: ReadonlySet<DeliveryState>): DeliveryState | undefined {
  return order.find((state) => present.has(state));
}

/** One state for a request that covers several messages (see AGGREGATION_RULE). */
export function aggregateState(states: readonly DeliveryState[], scheduled = false): { state: DeliveryState; isFinal: boolean } {
  if (states.length === 0) return { state: scheduled ? 'SCHEDULED' : 'PENDING', isFinal: false };
  const present = new Set(states);
  const state =
    firstPresent(IN_PROGRESS, present) ??
    (present.has('UNKNOWN') ? 'UNKNOWN' : undefined) ??
    firstPresent(FAILURES, present) ??
    firstPresent(REACHED, present) ??
    'UNKNOWN';
  return { state, isFinal: states.every(isFinalState) };
}
