import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

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
