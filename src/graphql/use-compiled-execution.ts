import { Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries run compiled (graphql-jit: each document is compiled once into plain functions,
 * without the graphql-js executor's per-field resolve info and path bookkeeping): in the
 * benchmark, executing a 100-ref `messageStatuses` was the largest share of CPU left.
 *
 * graphql-js keeps what it does better: federation's `_entities` (per-item error values,
 * entities-guard.ts) and `_service`, introspection, documents graphql-jit cannot compile, and
 * any request whose variables do not coerce: graphql-jit's errors there name an internal
 * variable and would be answered 200, graphql-js's name the client's variable and are 400.
 * Such a request is simply executed again by graphql-js (errors only: nothing was resolved).
 */
export function useCompiledExecution(): Plugin {
  // Per document (yoga's parse cache keeps one object per query text) and operation: the times
  // seen so far, then the compiled query (or null: graphql-js only). A document is compiled on its
  // second execution: an operation a client repeats pays one compilation, while one-off documents
  // (invented by a client, each a new text) never cost a compiled function.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null | number>>();
  const compiledFor = (args: ExecutionArgs): CompiledQuery | null => {
    let byOperation = compiled.get(args.document);
    if (!byOperation) compiled.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? '';
    const entry = byOperation.get(name);
    if (typeof entry === 'object') return entry;
    if (entry === undefined) {
      byOperation.set(name, 1);
      return null;
    }
    const result = usesGraphqlJsOnlyFields(args.document) ? null : compileQuery(args.schema, args.document, args.operationName ?? undefined);
    const query = result && isCompiledQuery(result) ? result : null;
    byOperation.set(name, query);
    return query;
  };
  type Execute = (args: ExecutionArgs) => Promise<ExecutionResult> | ExecutionResult;
  // `graphqlExecute`: the executor yoga would use (graphql-js, with its plugins' wrapping).
  const execute = (graphqlExecute: Execute) => async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const query = compiledFor(args);
    if (!query) return graphqlExecute(args);
    const result = (await query.query(args.rootValue, args.contextValue, args.variableValues ?? {})) as ExecutionResult;
    return result.errors && result.data === undefined ? graphqlExecute(args) : result;
  };
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(execute(executeFn as Execute) as never);
    },
  };
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
