import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { fuseRequestHooks } from '../../../src/http/fuse-hooks.js';

/**
 * The fused group must behave as yoga does with the plugins apart: same calls in the same order,
 * the setters' values seen by the next hook, a promise holding the next, endResponse stopping the
 * rest. Each case serves the same plugins both ways and compares what the hooks saw and answered.
 */

type Log = string[];

function plugins(log: Log): Plugin[] {
  const first: Plugin = {
    onRequest({ url, endResponse, fetchAPI }) {
      log.push(`A.onRequest ${url.pathname}`);
      if (url.pathname === '/stop') endResponse(new fetchAPI.Response('stopped by A', { status: 418 }));
    },
    onRequestParse() {
      log.push('A.onRequestParse');
      return {
        onRequestParseDone({ requestParserResult, setRequestParserResult }) {
          log.push(`A.done ${JSON.stringify((requestParserResult as { operationName?: string }).operationName ?? null)}`);
          setRequestParserResult({ ...(requestParserResult as object), extensions: { doneBy: 'A' } } as never);
        },
      };
    },
    onParams({ params, setParams }) {
      log.push(`A.onParams ${JSON.stringify(params.extensions)}`);
      setParams({ ...params, variables: { ...(params.variables ?? {}), who: 'set by A' } });
    },
    onValidate() {
      log.push('A.onValidate');
    },
    onResultProcess({ result, setResult }) {
      log.push('A.onResultProcess');
      setResult({ ...(result as object), extensions: { by: 'A' } } as never);
    },
    onResponse({ response, setResponse, fetchAPI }) {
      log.push(`A.onResponse ${response.status}`);
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('x-a', '1');
      setResponse(new fetchAPI.Response(response.body, { status: response.status, headers }));
    },
  };
  const second: Plugin = {
    // Asynchronous: the hooks after it wait for it.
    async onRequest({ url }) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`B.onRequest ${url.pathname}`);
    },
    onRequestParse() {
      log.push('B.onRequestParse');
      return {
        onRequestParseDone({ requestParserResult }) {
          log.push(`B.done ${JSON.stringify((requestParserResult as { extensions?: unknown }).extensions)}`);
        },
      };
    },
    async onParams({ params }) {
      await Promise.resolve();
      log.push(`B.onParams ${JSON.stringify(params.variables)}`);
    },
    onResultProcess({ result }) {
      log.push(`B.onResultProcess ${JSON.stringify((result as { extensions?: unknown }).extensions)}`);
    },
    onResponse({ response }) {
      log.push(`B.onResponse ${response.headers.get('x-a')}`);
    },
  };
  const third: Plugin = {
    onRequest({ url }) {
      log.push(`C.onRequest ${url.pathname}`);
    },
  };
  return [first, second, third];
}

function serve(fused: boolean) {
  const log: Log = [];
  const group = plugins(log);
  // A plugin after the group, as yoga's own come after ours: it must see what the group did.
  const after: Plugin = {
    onRequest({ url }) {
      log.push(`after.onRequest ${url.pathname}`);
    },
    onResponse({ response }) {
      log.push(`after.onResponse ${response.headers.get('x-a')}`);
    },
  };
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { who: String }', resolvers: { Query: { who: (_root, _args, context: { params: { variables?: { who?: string } } }) => context.params.variables?.who ?? null } } }),
    logging: false,
    plugins: [...(fused ? fuseRequestHooks(group) : group), after],
  });
  const ask = async (path: string) => {
    const res = await yoga.fetch(`http://yoga${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Original { who }', operationName: 'Original' }) });
    return { status: res.status, header: res.headers.get('x-a'), body: await res.text() };
  };
  return { ask, log, yoga };
}

describe('fused request hooks', () => {
  it('run as yoga runs them apart: order, setters, a promise holding the next, other hooks kept', async () => {
    const plain = serve(false);
    const fused = serve(true);
    const a = await plain.ask('/graphql');
    const b = await fused.ask('/graphql');
    expect(b).toEqual(a);
    expect(fused.log).toEqual(plain.log);
    // What the comparison covers (so that a hook silently not called in both cannot pass).
    expect(fused.log).toEqual([
      'A.onRequest /graphql',
      'B.onRequest /graphql',
      'C.onRequest /graphql',
      'after.onRequest /graphql',
      'A.onRequestParse',
      'B.onRequestParse',
      'A.done "Original"',
      'B.done {"doneBy":"A"}',
      'A.onParams {"doneBy":"A"}',
      'B.onParams {"who":"set by A"}',
      'A.onValidate',
      'A.onResultProcess',
      'B.onResultProcess {"by":"A"}',
      'A.onResponse 200',
      'B.onResponse 1',
      'after.onResponse 1',
    ]);
    expect(JSON.parse(b.body)).toEqual({ data: { who: 'set by A' }, extensions: { by: 'A' } });
  });

  it('stop at endResponse, the group and every later hook alike', async () => {
    const plain = serve(false);
    const fused = serve(true);
    const a = await plain.ask('/stop');
    const b = await fused.ask('/stop');
    expect(b).toEqual(a);
    expect(b).toMatchObject({ status: 418, body: 'stopped by A' });
    expect(fused.log).toEqual(plain.log);
    expect(fused.log.filter((line) => line.includes('onRequest '))).toEqual(['A.onRequest /stop']);
  });

  it('leave one set of request hooks for the group', () => {
    const fused = fuseRequestHooks(plugins([]));
    for (const hook of ['onRequest', 'onRequestParse', 'onParams', 'onResultProcess', 'onResponse'] as const) {
      expect(fused.filter((plugin) => plugin[hook])).toHaveLength(1);
    }
    expect(fused.filter((plugin) => plugin.onValidate)).toHaveLength(1);
  });
});
