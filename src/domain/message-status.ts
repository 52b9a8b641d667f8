import type { DeliveryState } from './delivery-state.js';

/**
 * What every layer above a provider folder sees: the provider-neutral record.
 * `details` belongs to the provider that produced it; only that provider's
 * GraphQL type reads it.
 */
export interface MessageStatusRecord<Details = unknown> {
  /** Provider key, the value of the GraphQL `Provider` enum (e.g. "D7"). */
  readonly provider: string;
  readonly providerMessageId: string;
  readonly state: DeliveryState;
  readonly isFinal: boolean;
  /** When this service obtained the data from the provider. */
  readonly fetchedAt: Date;
  readonly details: Details;
}
