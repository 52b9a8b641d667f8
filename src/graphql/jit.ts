import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, getVariableValues, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Operations run compiled (graphql-jit: each document is compiled once into plain functions,
 * no per-field resolveInfo or path bookkeeping of the graphql-js executor): in the benchmark
 * execution of a 100-ref `messageStatuses` was the largest share of a request's CPU left.
 * Federation's `_entities` and introspection keep the graphql-js executor: `_entities`
 * answers per-item error values (entities-guard.ts) with graphql-js semantics the router
 * relies on, and neither is on the hot path of frontends.
 */
export function useCompiledExecution(): Plugin {
  return useGraphQlJit({}, { enableIf: ({ schema, document, operationName, variableValues }) => !usesGraphqlJsOnlyFields(document) && variablesCoerce(schema, document, operationName, variableValues) }) as Plugin;
}

/**
 * Variables that do not coerce go to graphql-js, whose errors name the variable as the client
 * wrote it and are answered 400 (graphql-jit's name an internal variable, and are answered 200).
 */
function variablesCoerce(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, values: Record<string, unknown> | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length) return true;
  return getVariableValues(schema, operation.variableDefinitions, values ?? {}, { maxErrors: 1 }).errors === undefined;
}

const GRAPHQL_JS_ONLY = new Set(['_entities', '_service', '__schema', '__type']);

function usesGraphqlJsOnlyFields(document: DocumentNode): boolean {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'query') return true;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || GRAPHQL_JS_ONLY.has(selection.name.value)) return true;
    }
  }
  return false;
}
