import { isFinalState, type DeliveryState } from '../../domain/delivery-state.js';
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

const STATUS_TABLE: Record<string, DeliveryState> = {
  PENDING: 'PENDING',
  SENT: 'SENT',
  DELIVERED: 'DELIVERED',
  READ: 'READ',
  FAILED: 'FAILED',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNKNOWN: 'UNKNOWN',
};

/** Betatel status text to DeliveryState; anything unknown is UNKNOWN, never an error. */
export function betatelState(status: string): DeliveryState {
  return STATUS_TABLE[status.trim().toUpperCase()] ?? 'UNKNOWN';
}

function parseInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
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
