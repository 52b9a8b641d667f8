import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const MAX_ITEMS = 300;
const MAX_BYTES = 65_536;
const bulk = (n: number) => `00000000-0000-4000-8000-0000b000${String(n).padStart(4, '0')}`;
const IDS = [D7_SANDBOX.example, D7_SANDBOX.mixed, D7_SANDBOX.notFound, bulk(1), bulk(10), bulk(120), bulk(400), 'not-a-uuid'];
/** Codes a hostile document may get; anything else (INTERNAL_SERVER_ERROR above all) fails the property. */
const STABLE = new Set(['RESULT_TOO_LARGE', 'RESPONSE_TOO_LARGE', 'BATCH_TOO_LARGE', 'LOOKUP_BUDGET_EXCEEDED', 'NOT_FOUND', 'BAD_USER_INPUT', 'QUERY_LIMIT_EXCEEDED']);

const MESSAGE_FIELDS = ['msgId', 'status', 'state', 'reason', 'recipient', 'originator', 'templateId', 'whatsappConversationId', 'reference { customerRef messageTag1 }'];
const selection = fc.record({
  messages: fc.option(fc.subarray(MESSAGE_FIELDS, { minLength: 1 }), { nil: undefined }),
  // Aliases inside one item repeat its values (at most 4 aliases per root field, 5 roots: MAX_ALIASES is 20).
  repeats: fc.integer({ min: 0, max: 1 }),
});
type Selection = { messages: string[] | undefined; repeats: number };

const root = fc.oneof(
  fc.record({ kind: fc.constant('messageStatus' as const), id: fc.constantFrom(...IDS), selection }),
  fc.record({ kind: fc.constant('d7Report' as const), id: fc.constantFrom(...IDS), selection }),
  fc.record({ kind: fc.constant('node' as const), id: fc.constantFrom(...IDS), selection }),
  fc.record({ kind: fc.constant('messageStatuses' as const), ids: fc.array(fc.constantFrom(...IDS), { maxLength: 130 }), selection }),
  fc.record({ kind: fc.constant('_entities' as const), ids: fc.array(fc.constantFrom(...IDS), { maxLength: 260 }), selection }),
);

function selectionText(s: Selection): string {
  const messages = s.messages ? Array.from({ length: 1 + s.repeats }, (_, i) => `m${i}: messages { ${s.messages!.join(' ')} }`).join(' ') : '';
  const states = Array.from({ length: s.repeats }, (_, i) => `s${i}: requestId`).join(' ');
  return `{ __typename ... on D7Report { state ${states} ${messages} } }`;
}

/** Result items in an answer's data: list entries and single results, and every D7 message list entry. */
function itemsIn(data: Record<string, unknown>): number {
  let items = 0;
  const messages = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) if (/^m\d+$/.test(key) && Array.isArray(v)) items += v.length;
  };
  for (const value of Object.values(data)) {
    const list = Array.isArray(value) ? value : [value];
    items += list.length;
    list.forEach(messages);
  }
  return items;
}

describe('property: random documents either answer within MAX_RESULT_ITEMS and MAX_RESPONSE_BYTES or get a stable code', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RESULT_ITEMS: String(MAX_ITEMS), MAX_RESPONSE_BYTES: String(MAX_BYTES), MAX_ENTITY_REPRESENTATIONS: '200' } });
  });
  afterAll(() => h.close());

  it('never a 500, never over a limit, and the process still serves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(root, { minLength: 1, maxLength: 5 }), fc.boolean(), async (roots, sse) => {
        const variables: Record<string, unknown> = {};
        const declared: string[] = [];
        const fields = roots.map((r, i) => {
          const select = selectionText(r.selection);
          if (r.kind === 'messageStatus') return `a${i}: messageStatus(provider: D7, id: "${r.id}") ${select}`;
          if (r.kind === 'd7Report') return `a${i}: d7Report(requestId: "${r.id}") ${select.replace('__typename ... on D7Report {', '__typename ').replace(/ } }$/, ' }')}`;
          if (r.kind === 'node') return `a${i}: node(id: "${encodeGlobalId('D7Report', r.id)}") ${select}`;
          if (r.kind === 'messageStatuses') {
            declared.push(`$v${i}: [MessageRef!]!`);
            variables[`v${i}`] = r.ids.map((id) => ({ provider: 'D7', id }));
            return `a${i}: messageStatuses(refs: $v${i}) ${select}`;
          }
          declared.push(`$v${i}: [_Any!]!`);
          variables[`v${i}`] = r.ids.map((id) => ({ __typename: 'D7Report', requestId: id }));
          return `a${i}: _entities(representations: $v${i}) ${select}`;
        });
        const query = `query ${declared.length ? `(${declared.join(', ')})` : ''} { ${fields.join(' ')} }`;
        const res = await h.post(JSON.stringify({ query, variables }), sse ? { accept: 'text/event-stream' } : {});
        expect(res.status).toBeLessThan(500);
        const text = await res.text();
        const body = (sse ? JSON.parse(text.split('\n').find((l) => l.startsWith('data:'))!.slice(5)) : JSON.parse(text)) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
        const codes = (body.errors ?? []).map((e) => e.extensions?.code);
        for (const code of codes) expect(STABLE, `${code}`).toContain(code);
        if (codes.includes('RESULT_TOO_LARGE') || codes.includes('RESPONSE_TOO_LARGE')) {
          expect(body.data ?? undefined).toBeUndefined();
          expect(text.length).toBeLessThan(2_000);
          return;
        }
        expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BYTES);
        if (body.data) expect(itemsIn(body.data)).toBeLessThanOrEqual(MAX_ITEMS);
      }),
      { numRuns: 40 },
    );
    const after = await h.query<{ messageStatus: { state: string } }>(`{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { ... on D7Report { state } } }`);
    expect(after.errors).toBeUndefined();
    expect(after.data!.messageStatus.state).toBe('READ');
  });
});
