import { getIntrospectionQuery, Kind, parse, type ASTNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/** Depth of a selection set, fragments flattened; a fragment cycle counts once (validation reports cycles). */
function depthOf(set: SelectionSetNode | undefined, fragment: (name: string) => FragmentDefinitionNode | undefined, seen: Set<string> = new Set()): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragment, seen));
    else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet, fragment, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      deepest = Math.max(deepest, depthOf(fragment(selection.name.value)?.selectionSet, fragment, seen));
      seen.delete(selection.name.value);
    }
  }
  return deepest;
}

/**
 * The depth of the standard introspection query (what GraphiQL, codegen and gateways send),
 * measured from the installed graphql rather than written down: its `ofType` chain grows
 * between versions.
 */
export function standardIntrospectionDepth(): number {
  const document = parse(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation && 'selectionSet' in operation ? depthOf(operation.selectionSet, (name) => fragments.get(name)) : 0;
}

/**
 * armor's depth limit skips `__schema` entirely, so a hand-made introspection query may nest
 * `ofType` or `fields { type { fields … } }` as deep as MAX_TOKENS allows. This bounds it at
 * MAX_DEPTH, or at the standard introspection query's depth when that is deeper, so GraphiQL
 * and codegen keep working whatever MAX_DEPTH is.
 */
export function introspectionDepthRule(maxDepth: number) {
  const limit = Math.max(maxDepth, standardIntrospectionDepth());
  return (context: ValidationContext) => ({
    Field(node: ASTNode & { kind: Kind.FIELD }) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return;
      const depth = 1 + depthOf(node.selectionSet, (name) => context.getFragment(name) ?? undefined);
      if (depth > limit) {
        context.reportError(createGraphQLError(`Query depth limit of ${limit} exceeded in introspection, found ${depth}.`, { nodes: [node], extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_DEPTH' } }));
      }
      return false;
    },
  });
}
