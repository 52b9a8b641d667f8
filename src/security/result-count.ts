import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** Root fields that answer one result item each. */
const ONE_ITEM = new Set(['messageStatus', 'd7Report', 'betatelWdr', 'node']);

/** Root fields that answer one item per element of a list argument, and the cap their own resolver applies. */
const LIST_ITEMS: Record<string, { argument: string; cap: 'batch' | 'representations' }> = {
  messageStatuses: { argument: 'refs', cap: 'batch' },
  _entities: { argument: 'representations', cap: 'representations' },
};

type RootItems = { kind: 'one' } | { kind: 'list'; value: ValueNode | undefined; cap: 'batch' | 'representations' };

/** What the document alone says about one operation; computed once per document object. */
interface OperationPlan {
  /** The operation's root fields that answer items, one per response key (aliases are separate keys). */
  roots: RootItems[];
  /** Aliased fields in the document: how often one value may repeat inside one object. */
  aliases: number;
  /** Response keys of every field in the document plus punctuation: a bound on the keys of one result object. */
  keyBytes: number;
  /** A root field whose answer no record bounds (`_service`, introspection): measure the answer itself. */
  exact: boolean;
}

export interface StaticCount {
  items: number;
  aliases: number;
  keyBytes: number;
  exact: boolean;
}

export interface CountCaps {
  maxBatchSize: number;
  maxEntityRepresentations: number;
}

// yoga's parse cache keeps one document object per query text, so the walk runs once per text.
const plans = new WeakMap<DocumentNode, Map<string, OperationPlan | null>>();

/**
 * The result items a query operation will answer, from its document and variables alone,
 * before anything runs: each single-record root field is one, a `messageStatuses` one per ref,
 * an `_entities` one per representation; aliases are separate fields and repeated ids count
 * every time. A list over its field's own cap counts nothing (its resolver refuses it with
 * BATCH_TOO_LARGE before any lookup). `@skip`/`@include` are not evaluated: a skipped field
 * counts, which only errs on the safe side. D7 messages are counted as they resolve (AnswerMeter).
 */
export function countResultItems(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, caps: CountCaps): StaticCount {
  let byOperation = plans.get(document);
  if (!byOperation) plans.set(document, (byOperation = new Map()));
  const name = operationName ?? '';
  let plan = byOperation.get(name);
  if (plan === undefined) byOperation.set(name, (plan = planOf(document, operationName)));
  if (!plan) return { items: 0, aliases: 0, keyBytes: 0, exact: true };
  let items = 0;
  for (const root of plan.roots) {
    if (root.kind === 'one') items += 1;
    else {
      const length = listLength(root.value, variables);
      items += length > (root.cap === 'batch' ? caps.maxBatchSize : caps.maxEntityRepresentations) ? 0 : length;
    }
  }
  return { items, aliases: plan.aliases, keyBytes: plan.keyBytes, exact: plan.exact };
}

/** Elements of a list argument as graphql will coerce it: a single value is a list of one. */
function listLength(value: ValueNode | undefined, variables: Record<string, unknown> | null | undefined): number {
  if (!value || value.kind === Kind.NULL) return 0;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    return Array.isArray(given) ? given.length : given === undefined || given === null ? 0 : 1;
  }
  return 1;
}

function planOf(document: DocumentNode, operationName: string | null | undefined): OperationPlan | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: SelectionSetNode | undefined;
  let operations = 0;
  let aliases = 0;
  let keyBytes = 0;
  const measure = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        // `"key":` and a separator; values are bounded separately.
        keyBytes += (selection.alias ?? selection.name).value.length + 4;
        if (selection.selectionSet) measure(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) measure(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
      measure(definition.selectionSet);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations += 1;
      measure(definition.selectionSet);
      if (definition.operation === 'query' && (operationName ? definition.name?.value === operationName : operations === 1)) operation = definition.selectionSet;
      else if (!operationName && operations > 1) operation = undefined;
    }
  }
  if (!operation) return null;

  // One entry per response key: graphql merges fields that share one (same field and arguments).
  const byKey = new Map<string, FieldNode>();
  const collect = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = (selection.alias ?? selection.name).value;
        if (!byKey.has(key)) byKey.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, seen);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) collect(fragment.selectionSet, new Set(seen).add(fragment.name.value));
      }
    }
  };
  collect(operation, new Set());

  const roots: RootItems[] = [];
  let exact = false;
  for (const field of byKey.values()) {
    const name = field.name.value;
    const list = LIST_ITEMS[name];
    if (ONE_ITEM.has(name)) roots.push({ kind: 'one' });
    else if (list) roots.push({ kind: 'list', value: field.arguments?.find((a) => a.name.value === list.argument)?.value, cap: list.cap });
    else if (name !== '__typename') exact = true;
  }
  return { roots, aliases, keyBytes, exact };
}
