import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { FULL_ACCESS_ENV, FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { serveOnLoopback, subscribeSse, subscribeWs, wsClient, type LoopbackServer } from '../../helpers/live.js';

const manifest = JSON.parse(readFileSync(new URL('../../../operations/generated/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>;
const [SUBSCRIPTION_ID] = Object.entries(manifest).find(([, doc]) => doc.startsWith('subscription MessageStatusChanged'))!;
const FINAL_REF = { refs: [{ provider: 'D7', id: D7_SANDBOX.example }] };
const KEY = { 'x-api-key': FULL_ACCESS_KEY };
const state = (r: { data?: unknown }) => (r.data as { messageStatusChanged: { state: string } }).messageStatusChanged.state;

describe('subscriptions under PERSISTED_DOCUMENTS=require (live mode)', () => {
  let h: Harness;
  let server: LoopbackServer;
  beforeAll(async () => {
    h = await startHarness({ env: { PROVIDER_MODE: 'live', PERSISTED_DOCUMENTS: 'require', ...FULL_ACCESS_ENV } });
    server = await serveOnLoopback(h);
  });
  afterAll(async () => {
    await server.close();
    await h.close();
  });

  it('runs the persisted subscription by its id over SSE, and refuses its text', async () => {
    const res = await h.app.yoga.fetch('http://test.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...KEY },
      body: JSON.stringify({ documentId: SUBSCRIPTION_ID, variables: FINAL_REF }),
    });
    const text = await res.text();
    expect(text).toContain('"state":"READ"');
    expect(text).toContain('event: complete');
    const byText = subscribeSse(h, FINAL_REF, KEY, manifest[SUBSCRIPTION_ID]);
    await byText.ended;
    expect(byText.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
  });

  it('refuses query text over graphql-ws too, since each operation goes through the same plugins', async () => {
    const { client } = wsClient(server.wsUrl, KEY);
    const sub = subscribeWs(client, FINAL_REF, manifest[SUBSCRIPTION_ID]);
    await sub.ended;
    expect(sub.results[0]!.errors?.map((e) => (e as { extensions?: { code?: string } }).extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
    await Promise.resolve(client.dispose()).catch(() => undefined);
  });
});

describe('subscriptions under the CSRF and document limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_DEPTH: '3' } });
  });
  afterAll(() => h.close());

  const query = 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ... on MessageStatus { state } } }';
  const get = (headers: Record<string, string>) =>
    h.app.yoga.fetch(`http://test.local/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(FINAL_REF))}`, { headers: { accept: 'text/event-stream', ...headers } });

  it('serves GET over SSE with the CSRF header, and refuses it without (a browser could send that GET)', async () => {
    expect((await get({})).status).toBe(403);
    const res = await get({ 'x-graphql-yoga-csrf': '1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"state":"READ"');
  });

  it('refuses a subscription deeper than MAX_DEPTH with QUERY_LIMIT_EXCEEDED, watching nothing', async () => {
    h.resetCounts();
    const deep = 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ... on D7Report { messages { reference { customerRef } } } } }';
    const sub = subscribeSse(h, FINAL_REF, {}, deep);
    await sub.ended;
    expect(sub.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(h.app.watchers.size).toBe(0);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('still answers the shallow one', async () => {
    const sub = subscribeSse(h, FINAL_REF, {}, query);
    await sub.ended;
    expect(sub.results.map(state)).toEqual(['READ']);
  });
});
