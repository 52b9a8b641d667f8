import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { serveOnLoopback, subscribeWs, wsClient } from '../../helpers/live.js';

/** A sandbox D7 report of `n` read recipients (docs/getting-started.md, "Sandbox ids"). */
const bulk = (n: number) => `00000000-0000-4000-8000-0000b000${String(n).padStart(4, '0')}`;
const FULL_MESSAGE = 'msgId originator recipient status state reason conversationType messageType templateId whatsappConversationId reference { customerRef messageTag1 conversationId }';
const NORMAL = `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { ... on D7Report { state } } }`;

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;
const codes = (errors: Errors) => (errors ?? []).map((e) => e.extensions?.code);

/** Another client is still served normally. */
async function stillServes(h: Harness): Promise<void> {
  const res = await h.query<{ messageStatus: { state: string } }>(NORMAL);
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  expect(res.data!.messageStatus.state).toBe('READ');
}

describe('MAX_RESULT_ITEMS (default 1000): items counting repeats, aliases and D7 messages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounts());

  it('20 aliases of messageStatuses over one id repeated 100 times (2,000 items) is RESULT_TOO_LARGE before any upstream call', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: messageStatuses(refs: $refs) { ... on D7Report { messages { ${FULL_MESSAGE} } } }`).join(' ');
    const refs = Array.from({ length: 100 }, () => ({ provider: 'D7', id: bulk(10) }));
    const res = await h.query(`query ($refs: [MessageRef!]!) { ${aliases} }`, { refs });
    expect(res.data ?? undefined).toBeUndefined();
    expect(codes(res.errors)).toEqual(['RESULT_TOO_LARGE']);
    expect(res.errors![0]!.extensions).toMatchObject({ limit: 1000, counted: 2000 });
    expect(res.errors![0]!.message).toMatch(/MAX_RESULT_ITEMS/);
    expect(h.simulator('D7').requests).toEqual([]);
    await stillServes(h);
  });

  it('single-record fields count once per alias; 1,000 items are answered', async () => {
    const refs = Array.from({ length: 100 }, () => ({ provider: 'D7', id: D7_SANDBOX.example }));
    const ten = Array.from({ length: 10 }, (_, i) => `a${i}: messageStatuses(refs: $refs) { __typename }`).join(' ');
    const ok = await h.query<Record<string, unknown[]>>(`query ($refs: [MessageRef!]!) { ${ten} }`, { refs });
    expect(ok.errors).toBeUndefined();
    expect(Object.values(ok.data!).flat()).toHaveLength(1000);
    const over = await h.query(`query ($refs: [MessageRef!]!) { ${ten} one: d7Report(requestId: "${D7_SANDBOX.example}") { state } }`, { refs });
    expect(codes(over.errors)).toEqual(['RESULT_TOO_LARGE']);
    expect(over.errors![0]!.extensions).toMatchObject({ limit: 1000, counted: 1001 });
  });

  it('a report whose messages push past the limit is refused with RESULT_TOO_LARGE as they resolve; nothing huge is built', async () => {
    // 3 items statically, then 500 messages each: the third list passes 1,000.
    const query = `{ ${['a', 'b', 'c'].map((a) => `${a}: d7Report(requestId: "${bulk(500)}") { messages { ${FULL_MESSAGE} } }`).join(' ')} }`;
    // Twice: the second run of a document is compiled (graphql-jit), the first is not.
    for (let run = 0; run < 2; run += 1) {
      const res = await h.post(JSON.stringify({ query }));
      const text = await res.text();
      expect(text.length).toBeLessThan(2_000);
      const body = JSON.parse(text) as { data?: unknown; errors: Errors };
      expect(body.data ?? undefined).toBeUndefined();
      expect(codes(body.errors)).toEqual(['RESULT_TOO_LARGE']);
      expect(body.errors![0]!.extensions!.counted as number).toBeGreaterThan(1000);
    }
    expect(h.simulator('D7').requests).toEqual([bulk(500)]);
    // One report of 2,000 recipients alone is past the limit too: the record keeps the first
    // MAX_MESSAGES_PER_RECORD (1000) of them, and with the report itself that is 1001 items.
    const single = await h.query(`{ d7Report(requestId: "${bulk(2000)}") { messages { msgId } } }`);
    expect(codes(single.errors)).toEqual(['RESULT_TOO_LARGE']);
    expect(single.errors![0]!.extensions).toMatchObject({ limit: 1000, counted: 1001 });
    // Without `messages` the same report is one item, and says how many it did not keep.
    const omitted = await h.query<{ d7Report: { omittedMessages: number } }>(`{ d7Report(requestId: "${bulk(2000)}") { omittedMessages } }`);
    expect(omitted.data?.d7Report.omittedMessages).toBe(1000);
    await stillServes(h);
  });

  it('two of those reports fit when `messages` is not selected: only selected lists count', async () => {
    const res = await h.query<{ a: { state: string }; b: { state: string } }>(`{ a: d7Report(requestId: "${bulk(500)}") { state } b: d7Report(requestId: "${bulk(2000)}") { state } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { state: 'READ' }, b: { state: 'READ' } });
  });
});

describe('MAX_ENTITY_REPRESENTATIONS (default 1000)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounts());
  const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on D7Report { state } } }';
  const reps = (n: number) => Array.from({ length: n }, () => ({ __typename: 'D7Report', requestId: D7_SANDBOX.example }));

  it('1,001 representations are BATCH_TOO_LARGE with no upstream call', async () => {
    const res = await h.query(entities, { r: reps(1001) });
    expect(codes(res.errors)).toEqual(['BATCH_TOO_LARGE']);
    expect(res.errors![0]!.extensions).toMatchObject({ maxEntityRepresentations: 1000 });
    expect(res.errors![0]!.message).toMatch(/MAX_ENTITY_REPRESENTATIONS/);
    expect(h.simulator('D7').requests).toEqual([]);
    await stillServes(h);
  });

  it('1,000 representations are answered; aliases over them count as items (RESULT_TOO_LARGE, nothing upstream)', async () => {
    const ok = await h.query<{ _entities: { state: string }[] }>(entities, { r: reps(1000) });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!._entities).toHaveLength(1000);
    h.resetCounts();
    const twice = await h.query('query ($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }', { r: reps(600) });
    expect(codes(twice.errors)).toEqual(['RESULT_TOO_LARGE']);
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('MAX_RESPONSE_BYTES (set to 4096 here)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RESPONSE_BYTES: '4096' } });
  });
  afterAll(() => h.close());
  const big = `{ d7Report(requestId: "${bulk(50)}") { messages { ${FULL_MESSAGE} } } }`;

  it('an answer over the limit is RESPONSE_TOO_LARGE on HTTP JSON, never a 500', async () => {
    const res = await h.post(JSON.stringify({ query: big }));
    expect(res.status).toBeLessThan(500);
    const text = await res.text();
    expect(text.length).toBeLessThan(1_000);
    const body = JSON.parse(text) as { data?: unknown; errors: Errors };
    expect(body.data ?? undefined).toBeUndefined();
    expect(codes(body.errors)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(body.errors![0]!.extensions!.limit).toBe(4096);
    expect(body.errors![0]!.extensions!.counted as number).toBeGreaterThan(4096);
    await stillServes(h);
  });

  it('the same on SSE: the one event carries RESPONSE_TOO_LARGE', async () => {
    const res = await h.post(JSON.stringify({ query: big }), { accept: 'text/event-stream' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .filter(Boolean)
      .map((data) => JSON.parse(data) as { data?: unknown; errors?: Errors });
    expect(events).toHaveLength(1);
    expect(codes(events[0]!.errors)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(events[0]!.data ?? undefined).toBeUndefined();
    await stillServes(h);
  });

  it('a subscription event over the limit is RESPONSE_TOO_LARGE in its place; the stream still ends normally', async () => {
    const subscription = `subscription { messageStatusChanged(refs: [{ provider: D7, id: "${bulk(50)}" }]) { ... on D7Report { state messages { ${FULL_MESSAGE} } } } }`;
    const res = await h.post(JSON.stringify({ query: subscription }), { accept: 'text/event-stream' });
    const text = await res.text();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .filter(Boolean)
      .map((data) => JSON.parse(data) as { data?: unknown; errors?: Errors });
    expect(events.length).toBeGreaterThan(0);
    expect(codes(events[0]!.errors)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(text).toContain('event: complete');
    await stillServes(h);
  });

  it('over graphql-ws (relayed through yoga.fetch) a query and a subscription event get RESPONSE_TOO_LARGE too', async () => {
    const server = await serveOnLoopback(h);
    try {
      const { client } = wsClient(server.wsUrl);
      const query = subscribeWs(client, {}, big);
      await query.ended;
      expect(codes(query.results[0]!.errors as Errors)).toEqual(['RESPONSE_TOO_LARGE']);
      const subscription = subscribeWs(client, {}, `subscription { messageStatusChanged(refs: [{ provider: D7, id: "${bulk(50)}" }]) { ... on D7Report { messages { ${FULL_MESSAGE} } } } }`);
      await subscription.ended;
      expect(codes(subscription.results[0]!.errors as Errors)).toEqual(['RESPONSE_TOO_LARGE']);
      const small = subscribeWs(client, {}, NORMAL);
      await small.ended;
      expect(small.results[0]!.data).toEqual({ messageStatus: { state: 'READ' } });
      await client.dispose();
    } finally {
      await server.close();
    }
  });

  it('answers under the limit are untouched, introspection and _service included (measured, not estimated)', async () => {
    const small = await h.query<{ d7Report: { messages: unknown[] } }>(`{ d7Report(requestId: "${bulk(2)}") { messages { msgId status } } }`);
    expect(small.errors).toBeUndefined();
    expect(small.data!.d7Report.messages).toHaveLength(2);
    const sdl = await h.query('{ _service { sdl } }');
    expect(codes(sdl.errors)).toEqual(['RESPONSE_TOO_LARGE']);
  });
});
