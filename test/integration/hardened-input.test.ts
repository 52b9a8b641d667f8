import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { BETATEL_SANDBOX } from '../../src/providers/betatel/simulator.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

// Each hostile id, once around a valid D7 id and once around a valid Betatel id.
const hostile = (valid: string) => [
  `../${valid}`,
  `${valid}/../../admin`,
  `${valid.slice(0, 8)}%2F${valid.slice(8)}`,
  `${valid}%2F..`,
  `${valid}?x=1`,
  `${valid}#frag`,
  ` ${valid}`,
  `${valid} `,
  `${valid.slice(0, 10)} ${valid.slice(11)}`,
  `${valid.slice(0, -1)}é`,
  `${valid.slice(0, -1)}\u0661`,
  `${valid}\u0000`,
  `${valid.slice(0, -1)}\u0000`,
  '\u202e' + valid,
  'x'.repeat(10_000),
  valid.repeat(400),
  '',
];

describe('hostile ids are InvalidMessageId and nothing goes upstream', () => {
  for (const [provider, valid] of [
    ['D7', D7_SANDBOX.example],
    ['BETATEL', BETATEL_SANDBOX.example],
  ] as const) {
    it(`${provider}: ../, %2F, ?, #, spaces, unicode, null bytes, 10 000 characters`, async () => {
      const ids = hostile(valid);
      const res = await h.query<{ messageStatuses: { __typename: string; providerMessageId: string; message: string }[] }>(
        'query ($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename ... on LookupError { providerMessageId message } } }',
        { refs: ids.map((id) => ({ provider, id })) },
      );
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data!.messageStatuses.map((r) => r.__typename)).toEqual(ids.map(() => 'InvalidMessageId'));
      // The id comes back as sent; the message quotes at most 80 characters of it.
      expect(res.data!.messageStatuses.map((r) => r.providerMessageId)).toEqual(ids);
      for (const r of res.data!.messageStatuses) expect(r.message.length).toBeLessThan(300);
      expect(h.simulator('D7').requests).toEqual([]);
      expect(h.simulator('BETATEL').requests).toEqual([]);
    });
  }

  it('the single-record fields answer BAD_USER_INPUT for the same ids', async () => {
    for (const id of hostile(D7_SANDBOX.example)) {
      const res = await h.query('query ($id: ID!) { d7Report(requestId: $id) { state } }', { id });
      expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(id.slice(0, 40))).toEqual(['BAD_USER_INPUT']);
    }
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('malformed requests are 4xx with a clear message', () => {
  it.each([
    ['truncated JSON', '{"query": "{ __typename }"', 400],
    ['JSON that is not an object', '[1, 2', 400],
    ['a number', '42', 400],
    ['a query that is not a string', '{"query": 42}', 400],
    ['variables that are not an object', '{"query": "{ __typename }", "variables": "x"}', 400],
    ['an empty body', '', 400],
  ])('%s', async (_name, body, status) => {
    const res = await h.post(body);
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text).toMatch(/"message":"[^"]{5,}/);
    expect(text).not.toMatch(/at .+\.(js|ts):\d+/);
  });
});

/** Root fields with the variables they use and selections valid on their type (plus some that are not). */
const unionSelections = ['__typename', '... on MessageStatus { id state isFinal fetchedAt }', '... on D7Report { messages { recipient originator status } }', '... on BetatelWdr { to text status }', '... on LookupError { message retryable }', '... on ProviderError { code }'];
const ROOTS = [
  { vars: '($p: Provider!, $id: String!)', field: 'messageStatus(provider: $p, id: $id)', selections: unionSelections },
  { vars: '($refs: [MessageRef!]!)', field: 'messageStatuses(refs: $refs)', selections: unionSelections },
  { vars: '($id: ID!)', field: 'd7Report(requestId: $id)', selections: ['__typename', 'state', 'requestId', 'messages { recipient status state }'] },
  { vars: '($id: ID!)', field: 'betatelWdr(uuid: $id)', selections: ['__typename', 'state', 'to', 'text', 'deliveredAt'] },
  { vars: '($id: ID!)', field: 'node(id: $id)', selections: ['__typename', 'id', '... on MessageStatus { state }'] },
];
const documentArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ROOTS).chain((root) =>
    fc.array(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...root.selections) }, { weight: 1, arbitrary: fc.constantFrom('nope', '...F', '{') }), { minLength: 1, maxLength: 5 }).map(
      (fields) => `query Q${root.vars} { r: ${root.field} { ${fields.join(' ')} } }`,
    ),
  ) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => `{ ${s} }`) },
);
const idArb = fc.oneof(fc.constantFrom(D7_SANDBOX.example, BETATEL_SANDBOX.example, D7_SANDBOX.notFound, BETATEL_SANDBOX.serverError, D7_SANDBOX.malformedJson), fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
const providerArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('D7', 'BETATEL') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const variablesArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ p: providerArb, id: idArb, refs: fc.array(fc.record({ provider: providerArb, id: idArb }), { maxLength: 5 }) }, { requiredKeys: ['p', 'id', 'refs'] }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 4 }) },
  { weight: 1, arbitrary: jsonValue },
);

describe('property: random documents and variables never produce a 5xx', () => {
  it('200 runs through yoga.fetch', async () => {
    let executed = 0;
    await fc.assert(
      fc.asyncProperty(documentArb, variablesArb, fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant('Q') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), async (query, variables, operationName) => {
        const res = await h.post(JSON.stringify({ query, variables, operationName }));
        const text = await res.text();
        expect(res.status, `${res.status} for ${JSON.stringify({ query, variables })}: ${text.slice(0, 300)}`).toBeLessThan(500);
        expect(text).not.toMatch(/INTERNAL_SERVER_ERROR/);
        if (/"data":\{"r"/.test(text)) executed++;
      }),
      { numRuns: 200 },
    );
    // The generator must reach execution, not only the parser.
    expect(executed).toBeGreaterThan(10);
  });

  it('raw bytes as the body never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'))), async (body) => {
        const res = await h.post(body);
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 100 },
    );
  });
});
