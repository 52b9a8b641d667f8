import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { standardIntrospectionDepth } from '../../../src/security/introspection-depth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const d7Id = (n: number) => `00000000-0000-4000-8000-${(0x100000 + n).toString(16).padStart(12, '0')}`;
const refs = (from: number, count: number) => Array.from({ length: count }, (_, i) => `{ provider: D7, id: "${d7Id(from + i)}" }`).join(' ');

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { MAX_UPSTREAM_LOOKUPS_PER_OPERATION: '10', MAX_BATCH_SIZE: '8', MAX_ALIASES: '5', MAX_DEPTH: '3', MAX_TOKENS: '300', MAX_COST: '100', MAX_DIRECTIVES: '3' },
  });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

describe('per-operation upstream budget (MAX_UPSTREAM_LOOKUPS_PER_OPERATION=10)', () => {
  it('aliases cannot multiply the fan-out: 3 batches of 8 distinct ids is refused with LOOKUP_BUDGET_EXCEEDED, at most 10 lookups leave', async () => {
    const res = await h.query(`{
      a: messageStatuses(refs: [${refs(0, 8)}]) { __typename }
      b: messageStatuses(refs: [${refs(8, 8)}]) { __typename }
      c: messageStatuses(refs: [${refs(16, 8)}]) { __typename }
    }`);
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('LOOKUP_BUDGET_EXCEEDED');
    expect(res.errors!.find((e) => e.extensions?.code === 'LOOKUP_BUDGET_EXCEEDED')!.extensions).toMatchObject({ limit: 10 });
    // Lookups within the budget may still be in flight when the error answers; let them land.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.simulator('D7').requests.length).toBeLessThanOrEqual(10);
    expect(new Set(h.simulator('D7').requests).size).toBe(h.simulator('D7').requests.length);
  });

  it('repeating the same ids under several aliases is free: one lookup each', async () => {
    const res = await h.query(`{
      a: messageStatuses(refs: [${refs(100, 8)}]) { __typename }
      b: messageStatuses(refs: [${refs(100, 8)}]) { __typename }
      c: messageStatuses(refs: [${refs(100, 8)}]) { __typename }
    }`);
    expect(res.errors).toBeUndefined();
    // Only this test's ids: late lookups of the previous test may still land under load.
    const ours = new Set(Array.from({ length: 8 }, (_, i) => d7Id(100 + i)));
    expect(h.simulator('D7').requests.filter((id) => ours.has(id)).sort()).toEqual([...ours].sort());
  });
});

describe('graphql-armor limits are checked before execution (nothing upstream)', () => {
  const one = `messageStatus(provider: D7, id: "${d7Id(1)}") { __typename }`;
  it.each([
    ['aliases', `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: d7Report(requestId: "${d7Id(i)}") { state }`).join(' ')} }`, /Aliases limit of 5 exceeded/],
    ['depth', `{ ${one} node(id: "x") { ... on D7Report { messages { reference { customerRef } } } } }`, /Query depth limit of 3 exceeded/],
    ['directives', `{ ${one.replace('{ __typename }', '@include(if: true) @include(if: true) @skip(if: false) @skip(if: false) { __typename }')} }`, /Directives limit of 3 exceeded/],
    ['tokens', `{ ${one} ${Array.from({ length: 320 }, () => '__typename').join(' ')} }`, /Token limit of 300 exceeded/],
  ])('%s', async (_name, query, message) => {
    const res = await h.query(query);
    expect(res.status).toBe(400);
    expect(res.data ?? undefined).toBeUndefined();
    expect(res.errors!.map((e) => e.message).join('\n')).toMatch(message);
    expect(res.errors!.map((e) => e.extensions?.code)).toContain('QUERY_LIMIT_EXCEEDED');
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('cost', async () => {
    const res = await h.query(`{ ${Array.from({ length: 5 }, (_, i) => `r${i}: d7Report(requestId: "${d7Id(i)}") { messages { msgId originator recipient status state reason reference { customerRef messageTag1 messageTag2 conversationId } } }`).join(' ')} }`);
    expect(res.errors!.map((e) => e.message).join('\n')).toMatch(/Query Cost limit of 100 exceeded/);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('MAX_BATCH_SIZE still applies per list: BATCH_TOO_LARGE, nothing upstream', async () => {
    const res = await h.query(`{ messageStatuses(refs: [${refs(0, 9)}]) { __typename } }`);
    expect(res.errors!.map((e) => e.extensions?.code)).toEqual(['BATCH_TOO_LARGE']);
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('document limits at MAX_ALIASES=20 and MAX_DEPTH=12 (the defaults)', () => {
  let d: Harness;
  beforeAll(async () => {
    d = await startHarness({ env: { MAX_ALIASES: '20', MAX_DEPTH: '12' } });
  });
  afterAll(() => d.close());
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  async function ask(query: string) {
    const res = await d.post(JSON.stringify({ query }), { accept: 'application/graphql-response+json' });
    const json = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: res.status, errors: json.errors ?? [] };
  }
  const codes = (a: { errors: { extensions?: { code?: string } }[] }) => a.errors.map((e) => e.extensions?.code);

  it('MAX_ALIASES counts __typename aliases: 21 are refused, 20 pass', async () => {
    const over = await ask(aliases(21));
    expect(over.status).toBe(400);
    expect(codes(over)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(over.errors[0]!.message).toBe('Aliases limit of 20 exceeded, found 21.');
    expect((await ask(aliases(20))).status).toBe(200);
  });

  it('MAX_DEPTH covers introspection (at least the standard introspection query, which GraphiQL sends, passes)', async () => {
    const limit = Math.max(12, standardIntrospectionDepth());
    expect(limit).toBeLessThan(20);
    // Depth 4 down to `type`, then 20 nested `ofType`s and a leaf: 25.
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(20)}{ name }${' }'.repeat(20)} } } } }`;
    const a = await ask(deep);
    expect(a.status).toBe(400);
    expect(codes(a)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(a.errors[0]!.message).toBe(`Query depth limit of ${limit} exceeded in introspection, found 25.`);
    const standard = await ask(getIntrospectionQuery());
    expect(standard.status).toBe(200);
    expect(standard.errors).toEqual([]);
  });
});
