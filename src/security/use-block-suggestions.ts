import type { Plugin } from 'graphql-yoga';

// graphql-js's wordings: `Did you mean "x"?`, `Did you mean "x" or "y"?`, `Did you mean the enum value "D7"?`.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;
const MASK = ' [Suggestion hidden]';

/**
 * Hides graphql-js's did-you-mean suggestions, which spell out the schema to a caller without
 * introspection. graphql-armor's block-field-suggestions covers validation errors naming a
 * field only; enum values ("Did you mean the enum value D7?") and variable coercion errors
 * (raised at execution) slipped through. Every error of every answer passes here.
 */
export function useBlockSuggestions(): Plugin {
  return {
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of (one as { errors?: readonly { message: string }[] }).errors ?? []) {
          // Mutated in place, as armor does: a GraphQLError's message is writable, and yoga serializes it next.
          if (error.message.includes('Did you mean')) error.message = error.message.replace(SUGGESTION, MASK).trim();
        }
      }
    },
  };
}
