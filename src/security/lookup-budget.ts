import { createGraphQLError } from 'graphql-yoga';

/**
 * A check for StatusLoader: at most `max` distinct (provider, id) lookups per operation, so
 * aliases, long batches and `_entities` cannot multiply the upstream fan-out. Repeats of an id
 * are free (the loader fetches them once); a lookup over budget is refused before any request.
 */
export function lookupBudget(max: number): (provider: string, id: string) => void {
  const seen = new Set<string>();
  return (provider, id) => {
    const key = `${provider}\u0000${id}`;
    if (seen.has(key)) return;
    if (seen.size >= max) {
      throw createGraphQLError(`this operation needs more than ${max} distinct upstream lookups (MAX_UPSTREAM_LOOKUPS_PER_OPERATION); split it`, {
        extensions: { code: 'LOOKUP_BUDGET_EXCEEDED', limit: max },
      });
    }
    seen.add(key);
  };
}
