import { DELIVERY_STATES, STATE_DESCRIPTIONS, type DeliveryState } from '../../domain/delivery-state.js';
import type { Builder } from '../../providers/graphql-kit.js';

export function defineDeliveryState(builder: Builder) {
  return builder.enumType('DeliveryState', {
    description:
      'Delivery state normalized across providers. Progress ranks PENDING < SCHEDULED < SENT < DELIVERED < READ; FAILED, REJECTED, EXPIRED and DELETED are outcomes off that ladder. Updates can arrive out of order.',
    values: Object.fromEntries(DELIVERY_STATES.map((s) => [s, { value: s, description: STATE_DESCRIPTIONS[s] }])) as Record<
      DeliveryState,
      { value: DeliveryState; description: string }
    >,
  });
}
