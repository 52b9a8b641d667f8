import { existsSync, readFileSync } from 'node:fs';
import { encodeGlobalId } from '../graphql/global-id.js';
import type { AnyProviderModule } from '../providers/provider.js';

// Same depth from src/playground/ and dist/playground/: the project's operations/ folder
// (a checkout, the npm package and the container all carry it).
const OPERATIONS = new URL('../../operations/', import.meta.url);

/** Each provider's refs in turn (a record from each first, then their typed errors), as one list. */
function interleavedRefs(providers: readonly AnyProviderModule[]): { provider: string; id: string }[] {
  const longest = Math.max(0, ...providers.map((p) => p.sandbox.examples.refs.length));
  return Array.from({ length: longest }, (_, i) =>
    providers.flatMap((p) => {
      const id = p.sandbox.examples.refs[i];
      return id === undefined ? [] : [{ provider: p.key, id }];
    }),
  ).flat();
}

/** Variables of every tab, by operation name (operations/{name}.graphql), in tab order; the providers give the ids. */
function tabVariables(providers: readonly AnyProviderModule[]): Record<string, unknown> {
  const [first] = providers;
  if (!first) return {};
  const withStatus = providers.find((p) => p.sandbox.examples.status !== undefined);
  // Another provider than the MessageStatus tab's, when there is one, so the tabs show both.
  const nodeProvider = providers[1] ?? first;
  return {
    MessageStatuses: { refs: interleavedRefs(providers) },
    ...(withStatus && { MessageStatus: { provider: withStatus.key, id: withStatus.sandbox.examples.status } }),
    ...Object.fromEntries(providers.map((p) => [p.typeName, p.sandbox.examples.own])),
    Node: { id: encodeGlobalId(nodeProvider.typeName, nodeProvider.sandbox.examples.refs[0]!) },
    // Ids minted when the server starts, so the simulators first see them when the tab is run and
    // their states move (a fixed id would already be final after a first run); the last ref is a fixed one.
    MessageStatusChanged: { refs: [...providers.map((p) => ({ provider: p.key, id: p.sandbox.examples.fresh() })), { provider: first.key, id: first.sandbox.examples.refs[0]! }] },
  };
}

/**
 * Fields a caller needs a scope for beyond `status:read` (the others are masked, not refused):
 * with no such scope, a tab selecting one would answer FORBIDDEN beside its data.
 */
const SCOPED_FIELDS: Record<string, string> = { text: 'content:read' };

/**
 * Comments out the selections of scoped fields the anonymous caller lacks, saying how to get
 * them back, so an anonymous first look (the sandbox's) runs every tab without an error.
 */
function forAnonymous(query: string, anonymousScopes: ReadonlySet<string> | undefined): string {
  if (!anonymousScopes) return query;
  return query.replace(/^(\s*)(\w+)$/gm, (line, indent: string, field: string) => {
    const scope = SCOPED_FIELDS[field];
    return scope && !anonymousScopes.has(scope) ? `${indent}# ${field}  (needs the ${scope} scope: send an API key that has it, then uncomment)` : line;
  });
}

/**
 * GraphiQL tabs: the project's own operations, with sandbox ids filled in, and the fields that
 * anonymous callers may not read commented out when anonymous access is on without their scope.
 */
export function exampleTabs(providers: readonly AnyProviderModule[], anonymousScopes?: ReadonlySet<string>): { query: string; variables: string }[] {
  return Object.entries(tabVariables(providers)).flatMap(([name, variables]) => {
    const file = new URL(`${name}.graphql`, OPERATIONS);
    // A provider without an operation of its own (one added by a test) has no tab.
    if (!existsSync(file)) return [];
    return [{ query: forAnonymous(readFileSync(file, 'utf8'), anonymousScopes), variables: JSON.stringify(variables, null, 2) }];
  });
}
