import { useOnResolve } from '@envelop/on-resolve';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { snapshotResolvers, useCompiledExecution } from '../../../src/graphql/use-compiled-execution.js';

/** A yoga with one plugin wrapping every field's resolver (as the inline trace does), counting the wrapped calls. */
function serve(compiled: Parameters<typeof useCompiledExecution>[0] | 'snapshot') {
  const schema = createSchema({ typeDefs: 'type Query { items: [Item!]! } type Item { name: String! }', resolvers: { Query: { items: () => [{ name: 'a' }, { name: 'b' }] } } });
  const wrappedCalls = { count: 0 };
  const options = compiled === 'snapshot' ? { resolvers: snapshotResolvers(schema), wrapped: (request: Request) => request.headers.has('x-trace') } : compiled;
  const yoga = createYoga({
    schema,
    plugins: [
      useOnResolve(() => {
        wrappedCalls.count += 1;
      }),
      useCompiledExecution(options),
    ],
  });
  const ask = async (headers: Record<string, string> = {}) => {
    const res = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ items { name } }' }) });
    return (await res.json()) as unknown;
  };
  return { ask, wrappedCalls };
}

const ANSWER = { data: { items: [{ name: 'a' }, { name: 'b' }] } };

describe('compiled execution', () => {
  it('runs a compiled query on the resolvers as built, not on per-field wrappers', async () => {
    const { ask, wrappedCalls } = serve('snapshot');
    // First run: graphql-js (compiled on the second), through the wrappers: items + 2 names.
    expect(await ask()).toEqual(ANSWER);
    expect(wrappedCalls.count).toBe(3);
    expect(await ask()).toEqual(ANSWER);
    expect(await ask()).toEqual(ANSWER);
    expect(wrappedCalls.count).toBe(3);
  });

  it('runs the requests the wrappers are for through them', async () => {
    const { ask, wrappedCalls } = serve('snapshot');
    for (let i = 0; i < 3; i += 1) expect(await ask({ 'x-trace': '1' })).toEqual(ANSWER);
    expect(wrappedCalls.count).toBe(9);
  });

  it('without a snapshot, compiles the wrapped resolvers (what the snapshot avoids)', async () => {
    const { ask, wrappedCalls } = serve({});
    for (let i = 0; i < 3; i += 1) expect(await ask()).toEqual(ANSWER);
    expect(wrappedCalls.count).toBe(9);
  });
});
