import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  // As main.ts does once listening; otherwise /ready is a deliberate 503.
  h.app.readiness.markReady();
});
afterAll(() => h.close());

// Header values must be printable ASCII (the Headers class refuses the rest on our side).
const printable = (maxLength: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${maxLength}}$`));
const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  printable(40),
  fc.constantFrom('{', '[1,2', '{"a":', 'null', '42', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{}}}'),
);
// Weighted towards what reaches GraphQL, so the parsers and plugins see most of the runs.
const methods = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE-ISH') });
const paths = fc.oneof({ weight: 4, arbitrary: fc.constant('/graphql') }, { weight: 1, arbitrary: fc.constantFrom('/graphql/', '/graphql/x', '/metrics', '/health', '/ready', '/', '/nope', '//graphql', '/GRAPHQL') });
const contentTypes = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'Application/Json;charset=latin1',
    'application/graphql+json',
    'application/graphql',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'text/plain',
    'application/xml',
    'application/json, text/plain',
    ';;;',
    '',
  ),
  printable(30),
);
const accepts = fc.oneof(
  fc.constantFrom(undefined, 'application/json', 'application/graphql-response+json', 'text/event-stream', 'multipart/mixed', 'text/html', '*/*', 'application/*;q=0', ''),
  printable(30),
);
const queries = fc.oneof(
  fc.constantFrom('{ __typename }', `{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }`, 'mutation { x }', 'subscription { x }', '{ __schema { types { name } } }', '{', '{ a: __typename b: __typename }'),
  printable(60),
);
const params = fc.record(
  { query: queries, variables: jsonish, extensions: jsonish, operationName: printable(20), documentId: printable(70) },
  { requiredKeys: [] },
);
const bodies = fc.oneof(
  params.map((p) => JSON.stringify(p)),
  fc.array(params, { maxLength: 3 }).map((p) => JSON.stringify(p)),
  params.map((p) => new URLSearchParams(Object.entries(p).map(([k, v]) => [k, String(v)])).toString()),
  jsonish,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);
const extraHeaders = fc.record(
  {
    'x-api-key': printable(40),
    authorization: fc.oneof(printable(40), printable(60).map((t) => `Bearer ${t}`)),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://localhost:4000'),
    'x-graphql-yoga-csrf': fc.constant('1'),
    'access-control-request-method': fc.constantFrom('POST', 'GET', 'DELETE'),
    'x-request-id': printable(200),
    traceparent: printable(60),
    'apollo-federation-include-trace': fc.constantFrom('ftv1', 'x'),
  },
  { requiredKeys: [] },
);

const hostileRequest = fc.record({ method: methods, path: paths, query: params, contentType: contentTypes, accept: accepts, headers: extraHeaders, body: bodies });

describe('property: hostile HTTP requests never get a 5xx, and the service still serves', () => {
  it('600 random requests (methods, headers, content types, GET parameters, bodies) through yoga.fetch', { timeout: 120_000 }, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (r) => {
        const search = new URLSearchParams(Object.entries(r.query).map(([k, v]) => [k, String(v)])).toString();
        const headers: Record<string, string> = { ...r.headers };
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.accept !== undefined) headers.accept = r.accept;
        const withBody = r.method !== 'GET' && r.method !== 'HEAD';
        const res = await h.app.yoga.fetch(`http://test.local${r.path}?${search}`, { method: r.method, headers, ...(withBody && { body: r.body }) });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const shown = `${res.status} for ${JSON.stringify(r).slice(0, 400)}: ${text.slice(0, 300)}`;
        expect(res.status, shown).toBeLessThan(500);
        expect(text, shown).not.toMatch(/INTERNAL_SERVER_ERROR|at [^ ]+\.(js|ts):\d+/);
        // Whatever comes back as JSON is JSON.
        if (/json/.test(res.headers.get('content-type') ?? '') && r.method !== 'HEAD') expect(() => JSON.parse(text), shown).not.toThrow();
      }),
      { numRuns: 600 },
    );
    // The generator reaches more than one kind of answer (a property that only ever sees 404 proves little).
    expect([...statuses.keys()].filter((s) => s < 300).length).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(3);

    // And afterwards a normal query is answered.
    const res = await h.query<{ d7Report: { state: string } }>(`{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(typeof res.data!.d7Report.state).toBe('string');
    // No prototype was polluted on the way.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
