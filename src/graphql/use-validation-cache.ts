import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Verdicts = WeakMap<DocumentNode, readonly (GraphQLError | Error)[]>;

/**
 * Validation results per document, for the rules a request is validated with. Yoga's own cache
 * (its `validationCache`, turned off in app.ts) keys them by the rules' names joined into a
 * string, built on every request (about 35 rules: graphql's and the ones graphql-armor adds):
 * 4.6% of the CPU of a cached answer in the benchmark's profile (hot-1). The rule set is the same
 * on every request of one server, though graphql-armor builds its rules anew each time (same
 * names, new functions): here each rule is compared with the set seen last, by identity (graphql's
 * own) or else by name, and no string is built; only a different set pays for its key.
 *
 * Must come after every plugin that adds a validation rule (it sees the rules added before it).
 */
export function useValidationCache(): Plugin {
  // By the rules' names, then by schema (one per server; a WeakMap so a replaced schema goes).
  const byRules = new Map<string, WeakMap<GraphQLSchema, Verdicts>>();
  let lastRules: readonly ValidationRule[] = [];
  let lastNames: readonly string[] = [];
  let lastBySchema: WeakMap<GraphQLSchema, Verdicts> | undefined;

  const bySchemaFor = (rules: readonly ValidationRule[]): WeakMap<GraphQLSchema, Verdicts> => {
    if (lastBySchema && sameRules(rules, lastRules, lastNames)) return lastBySchema;
    const names = rules.map((rule) => rule.name);
    const key = names.join(',');
    let bySchema = byRules.get(key);
    // Distinct sets come from the server's own plugins, not from requests: a handful at most.
    if (!bySchema) byRules.set(key, (bySchema = new WeakMap()));
    lastRules = [...rules];
    lastNames = names;
    lastBySchema = bySchema;
    return bySchema;
  };

  return {
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      const bySchema = bySchemaFor(rules ?? []);
      let verdicts = bySchema.get(schema);
      if (!verdicts) bySchema.set(schema, (verdicts = new WeakMap()));
      const known = verdicts.get(documentAST);
      if (known) {
        setResult(known);
        return;
      }
      const store = verdicts;
      return ({ result }) => {
        if (result != null) store.set(documentAST, result);
      };
    },
  };
}

/** The same rules as last time: the same function (graphql's own rules), else one of the same name (graphql-armor's). */
function sameRules(rules: readonly ValidationRule[], last: readonly ValidationRule[], names: readonly string[]): boolean {
  if (rules.length !== last.length) return false;
  for (let i = 0; i < rules.length; i += 1) if (rules[i] !== last[i] && rules[i]!.name !== names[i]) return false;
  return true;
}
