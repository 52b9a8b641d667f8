import type { MessageStatusRecord } from '../../domain/message-status.js';
import type { Builder, GraphQLKit } from '../../providers/graphql-kit.js';
import type { AnyProviderModule } from '../../providers/provider.js';
import { resolveEntityReference } from '../entity-reference.js';
import { globalIdOf, typeNameOf } from './node.js';
import type { ProviderEnumRef } from './provider.js';

/** The MessageStatus entity interface; `providerMessageId`'s description names each provider's id field. */
export function defineMessageStatus(
  builder: Builder,
  refs: { Node: GraphQLKit['Node']; DeliveryState: GraphQLKit['DeliveryState']; Provider: ProviderEnumRef },
  providers: readonly AnyProviderModule[],
) {
  const MessageStatusInterface = builder.interfaceRef<MessageStatusRecord>('MessageStatus').implement({
    description:
      "One provider's delivery record for a WhatsApp message. Federation entity interface keyed by `id`; each provider's type adds its own fields.",
    interfaces: [refs.Node],
    resolveType: (record, ctx) => typeNameOf(record, ctx),
    fields: (t) => ({
      id: t.id({ description: 'Opaque global id; decodes to the provider and its message id.', resolve: (record, _args, ctx) => globalIdOf(record, ctx) }),
      provider: t.field({ type: refs.Provider, description: 'The provider that holds this record.', resolve: (r) => r.provider }),
      providerMessageId: t.string({
        description: `The provider's own id for the message: ${providers.map((p) => p.idWording.field).join(', ')}.`,
        resolve: (r) => r.providerMessageId,
      }),
      state: t.field({ type: refs.DeliveryState, description: 'Delivery state normalized across providers.', resolve: (r) => r.state }),
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
  return MessageStatusInterface;
}
