import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { LookupProblem } from './lookup-problem.js';
import { lookupResult, parseGlobalId, quoteId } from './lookup.js';

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
 *
 * It never rejects: every problem is returned as a GraphQLError value, which graphql-js
 * turns into null plus an error for this list item alone (see entities-guard.ts). A rejected
 * promise here could outlive a sibling's synchronous failure and end the process.
 */
export async function resolveEntityReference(ctx: GraphQLContext, representation: Record<string, unknown>, own?: EntityKey): Promise<MessageStatusRecord | GraphQLError> {
  try {
    const typename = typeof representation.__typename === 'string' ? representation.__typename : 'entity';
    const useOwnKey = own !== undefined && Object.hasOwn(representation, own.keyField);
    const keyField = useOwnKey ? own.keyField : 'id';
    const value = Object.hasOwn(representation, keyField) ? representation[keyField] : undefined;
    if (typeof value !== 'string') {
      return createGraphQLError(`The ${typename} representation needs a string \`${keyField}\``, { extensions: { code: 'BAD_USER_INPUT', argumentName: keyField } });
    }
    let target: { provider: string; id: string };
    if (useOwnKey) target = { provider: own.provider, id: value };
    else {
      const parsed = parseGlobalId(ctx, value, own?.provider);
      if (parsed instanceof Error) return parsed;
      target = parsed;
    }
    const result = await lookupResult(ctx, target.provider, target.id);
    if (!(result instanceof LookupProblem)) return result;
    if (result.kind === 'MessageNotFound') {
      return createGraphQLError(`No ${typename} matches ${keyField} ${quoteId(value)}: the provider does not know this message`, { extensions: { code: 'NOT_FOUND' } });
    }
    return result.toGraphQLError(keyField);
  } catch (error) {
    // The security guard's refusals are GraphQL errors already; anything else is masked by yoga.
    return error instanceof Error ? (error as GraphQLError) : createGraphQLError('Unexpected error.');
  }
}
