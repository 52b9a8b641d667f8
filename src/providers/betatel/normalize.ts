import { isFinalState, type DeliveryState } from '../../domain/delivery-state.js';
import { parseInstant } from '../../domain/instant.js';
import type { MessageStatusRecord } from '../../domain/message-status.js';
import type { BetatelWdrBody } from './schema.js';

export interface BetatelWdrDetails {
  uuid: string;
  whatsappMessageId: string | null;
  to: string | null;
  /** The message body: for OTP traffic, the one-time code itself. Never logged. */
  text: string | null;
  /** Exactly as Betatel reported it. */
  status: string;
  createdAt: Date | null;
  deliveredAt: Date | null;
  deliveryTimeMs: number | null;
  webhookDelivered: boolean | null;
}

export type BetatelRecord = MessageStatusRecord<BetatelWdrDetails>;

// A Map, not an object literal: a status like "constructor" must not hit Object.prototype.
export const STATUS_TABLE: ReadonlyMap<string, DeliveryState> = new Map(Object.entries({
  PENDING: 'PENDING',
  SENT: 'SENT',
  DELIVERED: 'DELIVERED',
  READ: 'READ',
  FAILED: 'FAILED',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNKNOWN: 'UNKNOWN',
}) as [string, DeliveryState][]);

/** Betatel status text to DeliveryState; anything unknown is UNKNOWN, never an error. */
export function betatelState(status: string): DeliveryState {
  return STATUS_TABLE.get(status.trim().toUpperCase()) ?? 'UNKNOWN';
}

const MAX_INT32 = 2_147_483_647;

/** Pure: one validated Betatel WDR body to the provider-neutral record. */
export function normalizeBetatelWdr(body: BetatelWdrBody, fetchedAt: Date): BetatelRecord {
  const state = betatelState(body.status);
  const ms = body.delivery_time;
  return {
    provider: 'BETATEL',
    providerMessageId: body.uuid,
    state,
    isFinal: isFinalState(state),
    fetchedAt,
    details: {
      uuid: body.uuid,
      whatsappMessageId: body.wam_id ?? null,
      to: body.to ?? null,
      text: body.text ?? null,
      status: body.status,
      createdAt: parseInstant(body.timestamp),
      deliveredAt: parseInstant(body.delivery_timestamp),
      // GraphQL Int is 32-bit; a value outside it is not a plausible delay.
      deliveryTimeMs: ms === null || ms === undefined || ms < 0 || ms > MAX_INT32 ? null : Math.round(ms),
      webhookDelivered: body.webhook_delivered ?? null,
    },
  };
}
