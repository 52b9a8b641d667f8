/** Resolvers N and P share: the real schema (schema.graphql), items carry their __typename. */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import type { Ref } from '../ids.js';
import { SCHEMA_SDL, type Item } from './common.js';

const byTypename = (obj: { __typename: string }) => obj.__typename;

/** Only `messageStatuses` resolves; the benchmark query selects nothing else. */
export function naiveSchema<C>(messageStatuses: (refs: Ref[], context: C) => Promise<Item[]>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(SCHEMA_SDL),
    resolvers: {
      Query: { messageStatuses: (_: unknown, args: { refs: Ref[] }, context: C) => messageStatuses(args.refs, context) },
      MessageStatusResult: { __resolveType: byTypename },
      MessageStatus: { __resolveType: byTypename },
      LookupError: { __resolveType: byTypename },
      Node: { __resolveType: byTypename },
    } as never,
  });
}
