import type { GraphQLError, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import { quoteId } from './lookup.js';

type ResolveReference = (representation: Record<string, unknown>, context: unknown, info: unknown) => unknown;

/**
 * Replaces the federation library's `_entities` resolver with one that answers every
 * representation on its own. The library's throws for the whole list when one
 * representation is not an object or names an unknown type, while the lookups of the others
 * are already running: their later failures then reject with nobody listening, and an
 * unhandled rejection ended the process. Here each item is a record or a GraphQLError value
 * (graphql-js makes that null plus an error for that item alone), and no promise rejects.
 */
export function guardEntities(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return schema;
  const resolvers = new Map<string, ResolveReference>();
  // Read from extensions, not by isObjectType: the schema's types may come from graphql's CJS copy, ours from ESM.
  for (const type of Object.values(schema.getTypeMap())) {
    const resolve = (type.extensions as { apollo?: { subgraph?: { resolveReference?: ResolveReference } } }).apollo?.subgraph?.resolveReference;
    if (resolve) resolvers.set(type.name, resolve);
  }
  const names = [...resolvers.keys()].sort().join(', ');
  const resolve: GraphQLFieldResolver<unknown, unknown, { representations?: unknown }> = (_source, args, context, info) => {
    const representations = Array.isArray(args.representations) ? (args.representations as unknown[]) : [];
    const max = (context as GraphQLContext).maxEntityRepresentations;
    // Before any lookup: the same code messageStatuses uses for MAX_BATCH_SIZE.
    if (representations.length > max) {
      throw createGraphQLError(`_entities accepts at most ${max} representations per call (MAX_ENTITY_REPRESENTATIONS); got ${representations.length}`, {
        extensions: { code: 'BATCH_TOO_LARGE', maxEntityRepresentations: max },
      });
    }
    return representations.map((representation) => resolveOne(representation, resolvers, names, context, info));
  };
  field.resolve = resolve as typeof field.resolve;
  return schema;
}

function resolveOne(representation: unknown, resolvers: ReadonlyMap<string, ResolveReference>, names: string, context: unknown, info: unknown): unknown {
  if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) {
    return badRepresentation('each representation must be an object with a string `__typename`');
  }
  const rep = representation as Record<string, unknown>;
  const typename = Object.hasOwn(rep, '__typename') ? rep.__typename : undefined;
  if (typeof typename !== 'string') return badRepresentation('each representation must be an object with a string `__typename`');
  const resolveReference = resolvers.get(typename);
  if (!resolveReference) return badRepresentation(`${quoteId(typename)} is not an entity type of this subgraph (${names})`);
  try {
    return Promise.resolve(resolveReference(rep, context, info)).catch(asError);
  } catch (error) {
    return asError(error);
  }
}

function badRepresentation(message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'representations' } });
}

/** A GraphQLError stays as it is; anything else is masked by yoga as an unexpected error. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : createGraphQLError('Unexpected error.');
}
