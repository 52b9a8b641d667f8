/** Delivery state normalized across providers; the GraphQL enum of the same name mirrors this list. */
export const DELIVERY_STATES = [
  'PENDING',
  'SCHEDULED',
  'SENT',
  'DELIVERED',
  'READ',
  'FAILED',
  'REJECTED',
  'EXPIRED',
  'DELETED',
  'UNKNOWN',
] as const;

export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * States after which no further change is expected.
 * DELIVERED is not final (READ may follow, or never come when receipts are off);
 * FAILED is not final either: a "delivered" can follow a "failed" when the
 * recipient has several devices.
 */
const FINAL_STATES: ReadonlySet<DeliveryState> = new Set(['READ', 'REJECTED', 'EXPIRED', 'DELETED']);

export function isFinalState(state: DeliveryState): boolean {
  return FINAL_STATES.has(state);
}

export const STATE_DESCRIPTIONS: Record<DeliveryState, string> = {
  PENDING: 'Accepted by the provider and queued; not yet handed to WhatsApp.',
  SCHEDULED: 'Accepted and scheduled for a later send time.',
  SENT: 'Handed to WhatsApp; delivery not yet confirmed.',
  DELIVERED: 'Delivered to the recipient device. Not final: READ may follow, or never come when the recipient has read receipts off.',
  READ: 'Opened by the recipient. Final.',
  FAILED: 'Delivery failed. Not final: a later DELIVERED can still arrive when the recipient has several devices.',
  REJECTED: 'Refused by the provider before sending (for example insufficient credit). Final.',
  EXPIRED: 'Expired before delivery was confirmed. Final.',
  DELETED: 'Deleted by the recipient. Final.',
  UNKNOWN: 'The provider reported a status this service does not know; the raw text is kept in `status`.',
};
