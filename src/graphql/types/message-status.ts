import type { MessageStatusRecord } from '../../domain/message-status.js';
import { builder } from '../builder.js';
import { resolveEntityReference } from '../entity-reference.js';
import { DeliveryStateEnum } from './delivery-state.js';
import { globalIdOf, NodeInterface, typeNameOf } from './node.js';
import { ProviderEnum } from './provider.js';

export const MessageStatusInterface = builder.interfaceRef<MessageStatusRecord>('MessageStatus').implement({
  description:
    "One provider's delivery record for a WhatsApp message. Federation entity interface keyed by `id`; each provider's type adds its own fields.",
  interfaces: [NodeInterface],
  resolveType: typeNameOf,
  fields: (t) => ({
    id: t.id({ description: 'Opaque global id; decodes to the provider and its message id.', resolve: globalIdOf }),
    provider: t.field({ type: ProviderEnum, description: 'The provider that holds this record.', resolve: (r) => r.provider }),
    providerMessageId: t.string({
      description: "The provider's own id for the message: D7 `request_id`, Betatel `uuid`.",
      resolve: (r) => r.providerMessageId,
    }),
    state: t.field({ type: DeliveryStateEnum, description: 'Delivery state normalized across providers.', resolve: (r) => r.state }),
    isFinal: t.boolean({
      description: 'True when no further change is expected (READ, REJECTED, EXPIRED, DELETED). DELIVERED and FAILED are not final.',
      resolve: (r) => r.isFinal,
    }),
    fetchedAt: t.field({
      type: 'DateTime',
      description: 'When this service obtained this data from the provider. Answers may come from a short-lived cache; pass `maxAge` on the root field to demand fresher data.',
      resolve: (r) => r.fetchedAt,
    }),
  }),
});

builder.asEntity(MessageStatusInterface, {
  key: builder.selection<{ id: string }>('id'),
  // An error value is this entity's error (entities-guard.ts); Pothos types only records here.
  resolveReference: (ref, ctx) => resolveEntityReference(ctx, ref) as Promise<MessageStatusRecord>,
});
