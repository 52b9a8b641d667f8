import { isFinalState, type DeliveryState } from '../../../src/domain/delivery-state.js';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import type { AcmeDetails, AcmeMessageBody } from './schema.js';

export type AcmeRecord = MessageStatusRecord<AcmeDetails>;

/** Every Acme state and the DeliveryState it means: one per DeliveryState, so the conformance suite reaches each. */
export const ACME_STATES: ReadonlyMap<string, DeliveryState> = new Map<string, DeliveryState>([
  ['waiting', 'PENDING'],
  ['planned', 'SCHEDULED'],
  ['gone', 'SENT'],
  ['arrived', 'DELIVERED'],
  ['seen', 'READ'],
  ['bounced', 'FAILED'],
  ['refused', 'REJECTED'],
  ['lapsed', 'EXPIRED'],
  ['erased', 'DELETED'],
  ['mystery', 'UNKNOWN'],
]);

/** Pure: one validated Acme body to the provider-neutral record; an unknown state is UNKNOWN. */
export function normalizeAcme(body: AcmeMessageBody, fetchedAt: Date): AcmeRecord {
  const state = ACME_STATES.get(body.state) ?? 'UNKNOWN';
  return {
    provider: 'ACME',
    providerMessageId: body.id,
    state,
    isFinal: isFinalState(state),
    fetchedAt,
    details: { state: body.state, updatedAt: new Date(body.updated_at) },
  };
}
