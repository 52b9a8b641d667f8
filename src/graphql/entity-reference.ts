import { createGraphQLError } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { findByGlobalId, findOrNull } from './lookup.js';

/** Which provider an entity type belongs to and the name of its own key field (D7Report: requestId). */
export interface EntityKey {
  provider: string;
  keyField: string;
}

/**
 * Federation `_entities` resolution for one representation. Unlike root fields
 * (null for not found), a reference names a record the router expects to
 * exist, so a missing one is a NOT_FOUND error for that entity alone; a
 * representation whose key is absent or not a string is BAD_USER_INPUT.
 */
export async function resolveEntityReference(
  ctx: GraphQLContext,
  representation: Record<string, unknown>,
  own?: EntityKey,
): Promise<MessageStatusRecord> {
  const typename = String(representation.__typename ?? 'entity');
  const useOwnKey = own !== undefined && own.keyField in representation;
  const keyField = useOwnKey ? own.keyField : 'id';
  const value = representation[keyField];
  if (typeof value !== 'string') {
    throw createGraphQLError(`The ${typename} representation needs a string \`${keyField}\``, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: keyField },
    });
  }
  const record = useOwnKey ? await findOrNull(ctx, own.provider, value, keyField) : await findByGlobalId(ctx, value, own?.provider);
  if (!record) {
    throw createGraphQLError(`No ${typename} matches ${keyField} ${JSON.stringify(value.slice(0, 80))}: the provider does not know this message`, {
      extensions: { code: 'NOT_FOUND' },
    });
  }
  return record;
}
