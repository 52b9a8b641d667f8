import { Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLField, type GraphQLSchema } from 'graphql';
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
 *
 * `resolvers`: the schema's resolvers as built, before plugins wrapped them (snapshotResolvers).
 * The inline trace wraps every field's resolver (@envelop/on-resolve: a callback, promise helpers
 * and a payload object per field, 36 KiB of 489 allocated per 10-id request in the benchmark) though only
 * the requests `wrapped` names are traced; compiled queries call the resolvers as built, and
 * those requests run on graphql-js, through the wrapped ones.
 */
export function useCompiledExecution(options: { resolvers?: ResolverSnapshot; wrapped?: (request: Request) => boolean } = {}): Plugin {
  const { resolvers, wrapped } = options;
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
    const compile = () => compileQuery(args.schema, args.document, args.operationName ?? undefined);
    const result = usesGraphqlJsOnlyFields(args.document) ? null : resolvers ? withResolvers(resolvers, compile) : compile();
    const query = result && isCompiledQuery(result) ? result : null;
    byOperation.set(name, query);
    return query;
  };
  type Execute = (args: ExecutionArgs) => Promise<ExecutionResult> | ExecutionResult;
  // `graphqlExecute`: the executor yoga would use (graphql-js, with its plugins' wrapping).
  const execute = (graphqlExecute: Execute) => async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const request = (args.contextValue as { request?: Request } | undefined)?.request;
    const query = wrapped && request && wrapped(request) ? null : compiledFor(args);
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

/** Each object field's resolver (undefined: graphql's default) at the time of the snapshot. */
export type ResolverSnapshot = ReadonlyMap<GraphQLField<unknown, unknown>, GraphQLField<unknown, unknown>['resolve']>;

/** Taken before the server starts (before yoga's plugins wrap the schema's resolvers). */
export function snapshotResolvers(schema: GraphQLSchema): ResolverSnapshot {
  const snapshot = new Map<GraphQLField<unknown, unknown>, GraphQLField<unknown, unknown>['resolve']>();
  for (const type of Object.values(schema.getTypeMap())) {
    // Object types (by shape, not isObjectType: the schema may come from graphql's other module format).
    if ('isTypeOf' in type && 'getFields' in type) for (const field of Object.values(type.getFields())) snapshot.set(field, field.resolve);
  }
  return snapshot;
}

/**
 * Runs `fn` (a compilation: graphql-jit reads each field's `resolve` while compiling and keeps
 * the function) with the snapshot's resolvers in place, then puts the current ones back.
 * Synchronous, so no request runs in between.
 */
function withResolvers<T>(snapshot: ResolverSnapshot, fn: () => T): T {
  const current = new Map<GraphQLField<unknown, unknown>, GraphQLField<unknown, unknown>['resolve']>();
  for (const [field, resolve] of snapshot) {
    current.set(field, field.resolve);
    field.resolve = resolve;
  }
  try {
    return fn();
  } finally {
    for (const [field, resolve] of current) field.resolve = resolve;
  }
}
