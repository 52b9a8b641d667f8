import type { GraphQLContext } from '../../context.js';
import type { MessageStatusRecord } from '../../domain/message-status.js';
import type { Builder } from '../../providers/graphql-kit.js';
import { encodeGlobalId } from '../global-id.js';
import { findByGlobalId } from '../lookup.js';

export function globalIdOf(record: MessageStatusRecord, ctx: GraphQLContext): string {
  return encodeGlobalId(typeNameOf(record, ctx), record.providerMessageId);
}

export function typeNameOf(record: MessageStatusRecord, ctx: GraphQLContext): string {
  return ctx.providers.byKey(record.provider).typeName;
}

/** The Node interface and `node(id:)`. */
export function defineNode(builder: Builder) {
  const NodeInterface = builder.interfaceRef<MessageStatusRecord>('Node').implement({
    description: 'An object with an opaque global id, refetchable with `node(id:)`.',
    resolveType: (record, ctx) => typeNameOf(record, ctx),
    fields: (t) => ({
      id: t.id({ description: 'Opaque global id; pass it to `node(id:)` to refetch this object.', resolve: (record, _args, ctx) => globalIdOf(record, ctx) }),
    }),
  });

  builder.queryField('node', (t) =>
    t.field({
      type: NodeInterface,
      nullable: true,
      description:
        'Refetch any object by its global id. Null when the provider does not know the message; a BAD_USER_INPUT error when the id is not one of ours; a provider error code (UNAVAILABLE, TIMEOUT, ...) when the provider failed.',
      args: { id: t.arg.id({ required: true, description: 'A global id from an `id` field of this service.' }) },
      resolve: (_root, { id }, ctx) => findByGlobalId(ctx, String(id)),
    }),
  );
  return NodeInterface;
}
