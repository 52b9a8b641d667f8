import { createYoga, createSchema } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useBodyLimit } from '../../../src/http/use-body-limit.js';

type Hook = (payload: Record<string, unknown>) => void;
const hook = useBodyLimit(100).onRequestParse as unknown as Hook;

/** Calls the hook as yoga would; says whether it wrapped the chosen parser. */
function parse(headers: Record<string, string>, serverContext: object = {}): boolean {
  let wrapped = false;
  hook({
    request: new Request('http://x/graphql', { method: 'POST', headers, body: '{}' }),
    requestParser: () => ({}),
    setRequestParser: () => (wrapped = true),
    fetchAPI: { Request, TransformStream },
    serverContext,
  });
  return wrapped;
}

describe('the request body cap', () => {
  it('checks a body Node frames by Content-Length by its header alone (no counting stream)', () => {
    expect(parse({ 'content-length': '2' }, { req: {} })).toBe(false);
  });

  it('counts a body with no Content-Length (chunked), or one handed over in-process', () => {
    expect(parse({}, { req: {} })).toBe(true);
    expect(parse({ 'content-length': '2' })).toBe(true);
  });

  it('refuses a Content-Length over the cap (413) or not one number (400) before reading', () => {
    const refusal = (value: string) => {
      try {
        parse({ 'content-length': value }, { req: {} });
      } catch (error) {
        return (error as { extensions: { http: { status: number }; code: string } }).extensions;
      }
    };
    expect(refusal('101')).toMatchObject({ code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } });
    expect(refusal('2, 2')).toMatchObject({ code: 'BAD_REQUEST', http: { status: 400 } });
  });

  it('answers 413 for a counted body over the cap', async () => {
    const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { a: Int }' }), maxRequestBodySize: false, plugins: [useBodyLimit(100)] });
    const big = JSON.stringify({ query: `{ a }`, variables: { pad: 'x'.repeat(200) } });
    const res = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    const small = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });
    expect(small.status).toBe(200);
  });
});
