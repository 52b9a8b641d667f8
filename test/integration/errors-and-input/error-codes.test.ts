import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_ALIASES: '20', MAX_DEPTH: '12' } });
});
afterAll(() => h.close());

interface Answer {
  status: number;
  contentType: string | null;
  errors: { message: string; extensions?: { code?: string; limit?: unknown } }[];
  data?: unknown;
}
async function ask(body: unknown, accept = 'application/graphql-response+json'): Promise<Answer> {
  const res = await h.post(JSON.stringify(body), { accept });
  const json = (await res.json()) as { errors?: Answer['errors']; data?: unknown };
  return { status: res.status, contentType: res.headers.get('content-type'), errors: json.errors ?? [], data: json.data };
}
const codes = (a: Answer) => a.errors.map((e) => e.extensions?.code);

describe('errors a client can cause carry a stable extensions.code', () => {
  it.each([
    ['an object for an ID', { id: {} }],
    ['a missing required variable', {}],
    ['null for a non-null variable', { id: null }],
  ])('variable coercion (%s): 400 BAD_USER_INPUT', async (_name, variables) => {
    const a = await ask({ query: 'query ($id: ID!) { d7Report(requestId: $id) { state } }', variables });
    expect(a.status).toBe(400);
    expect(codes(a)).toEqual(['BAD_USER_INPUT']);
    expect(a.errors[0]!.message).toMatch(/^Variable "\$id"/);
  });

  it.each(['mutation { x }', 'mutation M { __typename }'])('"%s" on a schema without that root: OPERATION_NOT_SUPPORTED', async (query) => {
    const a = await ask({ query });
    expect(a.status).toBe(400);
    expect(codes(a)).toContain('OPERATION_NOT_SUPPORTED');
    expect(a.errors.find((e) => e.extensions?.code === 'OPERATION_NOT_SUPPORTED')!.message).toMatch(/answers queries and subscriptions only/);
  });

  it.each([
    ['an operationName that names no operation', { query: 'query A { __typename } query B { __typename }', operationName: 'C' }],
    ['two operations and no operationName', { query: 'query A { __typename } query B { __typename }' }],
  ])('%s: 400 OPERATION_RESOLUTION_FAILURE (as docs/api.md lists)', async (_name, body) => {
    const a = await ask(body, 'application/json');
    expect(a.status).toBe(400);
    expect(codes(a)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('an unknown provider value: 400 naming it, nothing upstream', async () => {
    h.resetCounts();
    const res = await h.query('query($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename } }', { refs: [{ provider: 'TWILIO', id: 'abc' }] });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/TWILIO/);
    expect(Object.values(h.simulators).flatMap((s) => s.requests)).toEqual([]);
  });

  it('an invalid document: 400 naming the problem, nothing upstream', async () => {
    h.resetCounts();
    const res = await h.query('{ messageStatus(provider: D7) { __typename } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/argument "id"/);
    expect(Object.values(h.simulators).flatMap((s) => s.requests)).toEqual([]);
  });

  it('_entities with a __typename that is not an entity: BAD_USER_INPUT for that entity', async () => {
    const a = await ask({ query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: [{ __typename: 'Query' }] } });
    expect(a.data).toEqual({ _entities: [null] });
    expect(codes(a)).toEqual(['BAD_USER_INPUT']);
    // Answered by the _entities guard itself (src/graphql/entities-guard.ts), naming the entity types.
    expect(a.errors[0]!.message).toBe('"Query" is not an entity type of this subgraph (BetatelWdr, D7Report, MessageStatus)');
  });

  it('800 duplicate selections: QUERY_LIMIT_EXCEEDED saying why, not a bare "Validation aborted."', async () => {
    const a = await ask({ query: `{ ${'__typename '.repeat(800)}}` });
    expect(a.status).toBe(400);
    expect(codes(a)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(a.errors[0]!.message).toMatch(/repeats selections too often/);
    expect(a.errors[0]!.extensions?.limit).toBe('overlapping selections');
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('a document limit error, by accept header', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;

  // GraphQL over HTTP: an application/json answer to a request that reached validation is 200;
  // application/graphql-response+json uses 4xx. Refusals before GraphQL (401, 403, 413, 429, 400
  // BAD_REQUEST) have their status whatever the accept header.
  it.each([
    ['application/graphql-response+json', 400, /^application\/graphql-response\+json/],
    ['application/json', 200, /^application\/json/],
  ])('a limit error answered as %s is %i, with the same code', async (accept, status, type) => {
    const a = await ask({ query: aliases(30) }, accept);
    expect(a.status).toBe(status);
    expect(a.contentType).toMatch(type);
    expect(codes(a)).toEqual(['QUERY_LIMIT_EXCEEDED']);
  });

  it('a valid neighbour query still runs after all of the above', async () => {
    const a = await ask({ query: `{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }` });
    expect(a.status).toBe(200);
    expect(a.data).toEqual({ d7Report: { state: expect.any(String) } });
  });
});
