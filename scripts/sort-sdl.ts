import { Kind, parse, print, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type InputValueDefinitionNode } from 'graphql';

/**
 * Subgraph SDL printed sorted (types by name, then their fields, arguments, enum values,
 * interfaces and union members), so moving code between files or modules never changes the
 * published schema. graphql's lexicographicSortSchema cannot do this for a subgraph: the
 * subgraph printer reads each type's original AST, which keeps declaration order.
 */
export function sortSdl(sdl: string): string {
  return `${print(sortDocument(parse(sdl))).trim()}\n`;
}

/** Plain code-unit order: the same on every machine and locale. */
function byName<T extends { name: { value: string } }>(items: readonly T[] | undefined): T[] | undefined {
  return items && [...items].sort((a, b) => (a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0));
}

function sortField<T extends FieldDefinitionNode | InputValueDefinitionNode>(field: T): T {
  return 'arguments' in field ? { ...field, arguments: byName(field.arguments) } : field;
}

function sortDefinition(def: DefinitionNode): DefinitionNode {
  switch (def.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_DEFINITION:
      return { ...def, interfaces: byName(def.interfaces), fields: byName(def.fields)?.map(sortField) };
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      return { ...def, fields: byName(def.fields) };
    case Kind.ENUM_TYPE_DEFINITION:
      return { ...def, values: byName(def.values) };
    case Kind.UNION_TYPE_DEFINITION:
      return { ...def, types: byName(def.types) };
    default:
      return def;
  }
}

/** Schema-level definitions (`extend schema @link`, directives) first, as printed; then named types sorted. */
function sortDocument(doc: DocumentNode): DocumentNode {
  const named = doc.definitions.filter((d): d is DefinitionNode & { name: { value: string } } => 'name' in d && d.kind !== Kind.DIRECTIVE_DEFINITION);
  const rest = doc.definitions.filter((d) => !named.includes(d as (typeof named)[number]));
  return { ...doc, definitions: [...rest, ...byName(named)!.map(sortDefinition)] };
}
