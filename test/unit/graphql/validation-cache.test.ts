import { GraphQLError, type ValidationRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useValidationCache } from '../../../src/graphql/use-validation-cache.js';

/**
 * A yoga whose plugins add, per request, a rule counting its runs (a new function each time, as
 * graphql-armor does) and, for requests with `x-strict`, a rule refusing any field named `secret`.
 */
function serve() {
  const schema = createSchema({ typeDefs: 'type Query { name: String! secret: String! }', resolvers: { Query: { name: () => 'a', secret: () => 's' } } });
  const runs = { count: 0 };
  const counting = (): ValidationRule =>
    function countingRule() {
      runs.count += 1;
      return {};
    };
  const strict: ValidationRule = (context) => ({
    Field(node) {
      if (node.name.value === 'secret') context.reportError(new GraphQLError('secret is refused here', { nodes: node }));
    },
  });
  const addRules: Plugin = {
    onValidate({ addValidationRule, context }) {
      addValidationRule(counting());
      if ((context as { request: Request }).request.headers.has('x-strict')) addValidationRule(strict);
    },
  };
  const yoga = createYoga({ schema, parserAndValidationCache: { validationCache: false }, plugins: [addRules, useValidationCache()] });
  const ask = async (query: string, headers: Record<string, string> = {}) => {
    const res = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return (await res.json()) as { data?: unknown; errors?: { message: string }[] };
  };
  return { ask, runs };
}

describe('validation cache', () => {
  it('validates a document once for a set of rules, though the rules are new functions on every request', async () => {
    const { ask, runs } = serve();
    for (let i = 0; i < 3; i += 1) expect(await ask('{ name }')).toEqual({ data: { name: 'a' } });
    expect(runs.count).toBe(1);
    // Another document is validated on its own.
    expect(await ask('{ secret }')).toEqual({ data: { secret: 's' } });
    expect(runs.count).toBe(2);
  });

  it('keeps the verdicts of different rule sets apart, both ways', async () => {
    const { ask } = serve();
    expect(await ask('{ secret }')).toEqual({ data: { secret: 's' } });
    // Valid without the strict rule, refused with it: the cached verdict of the other set is not used.
    expect((await ask('{ secret }', { 'x-strict': '1' })).errors?.[0]?.message).toBe('secret is refused here');
    expect((await ask('{ secret }', { 'x-strict': '1' })).errors?.[0]?.message).toBe('secret is refused here');
    expect(await ask('{ secret }')).toEqual({ data: { secret: 's' } });
  });

  it('keeps a refusal: an invalid document is refused again from the cache', async () => {
    const { ask, runs } = serve();
    for (let i = 0; i < 2; i += 1) expect((await ask('{ nope }')).errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(runs.count).toBe(1);
  });
});
