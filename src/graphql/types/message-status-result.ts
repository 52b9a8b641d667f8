import { createGraphQLError } from 'graphql-yoga';
import { LookupProblem } from '../lookup-problem.js';
import { lookupResult, MAX_AGE_DESCRIPTION } from '../lookup.js';
import type { Builder, ProviderTypeRef } from '../../providers/graphql-kit.js';
import type { LookupErrorRefs } from './lookup-errors.js';
import type { MessageRefRef } from './message-ref.js';
import type { ProviderEnumRef } from './provider.js';
import { typeNameOf } from './node.js';

export type MessageStatusResultRef = ReturnType<typeof defineMessageStatusResult>;

/** Declared once every provider type exists, since they are its members; returned for the fields that answer it. */
export function defineMessageStatusResult(
  builder: Builder,
  providerTypes: readonly ProviderTypeRef[],
  refs: { errors: LookupErrorRefs; MessageRef: MessageRefRef; Provider: ProviderEnumRef },
) {
  const { MessageNotFoundType, InvalidMessageIdType, InvalidArgumentType, ProviderErrorType } = refs.errors;
  const MessageStatusResult = builder.unionType('MessageStatusResult', {
    description:
      "The outcome of looking up one message: the provider's record, or a typed error for that message alone. Every member can be selected in one query; shared field names have one type.",
    types: [...providerTypes, MessageNotFoundType, InvalidMessageIdType, InvalidArgumentType, ProviderErrorType],
    resolveType: (value, ctx) => (value instanceof LookupProblem ? value.kind : typeNameOf(value, ctx)),
  });

  builder.queryFields((t) => ({
    messageStatus: t.field({
      type: MessageStatusResult,
      description: 'What happened to one message. Never fails as a whole: problems come back as a LookupError member.',
      args: {
        provider: t.arg({ type: refs.Provider, required: true, description: 'The provider that sent the message.' }),
        id: t.arg.string({ required: true, description: "The provider's id for the message." }),
        maxAge: t.arg.int({ required: false, description: MAX_AGE_DESCRIPTION }),
      },
      resolve: (_root, { provider, id, maxAge }, ctx) => lookupResult(ctx, provider, id, maxAge),
    }),
    messageStatuses: t.field({
      type: [MessageStatusResult],
      description:
        'What happened to many messages, in one round trip. The answer has the same length and order as `refs`; each item is a record or a typed error for that item alone. Repeated refs are fetched once. More refs than the server limit (MAX_BATCH_SIZE) is a BATCH_TOO_LARGE error.',
      args: {
        refs: t.arg({ type: [refs.MessageRef], required: true, description: 'The messages to look up.' }),
        maxAge: t.arg.int({ required: false, description: MAX_AGE_DESCRIPTION }),
      },
      resolve: (_root, { refs, maxAge }, ctx) => {
        if (refs.length > ctx.maxBatchSize) {
          throw createGraphQLError(`messageStatuses accepts at most ${ctx.maxBatchSize} refs per call; got ${refs.length}`, {
            extensions: { code: 'BATCH_TOO_LARGE', maxBatchSize: ctx.maxBatchSize },
          });
        }
        // A bad maxAge is an InvalidArgument item per ref: the field still answers every ref.
        return refs.map((ref) => lookupResult(ctx, ref.provider, ref.id, maxAge));
      },
    }),
  }));
  return MessageStatusResult;
}
