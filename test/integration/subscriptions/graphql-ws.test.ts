import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { FULL_ACCESS_ENV, FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, serveOnLoopback, subscribeSse, subscribeWs, wsClient, type LoopbackServer } from '../../helpers/live.js';

const BT = '01KC0000000000000000000A01';
const refs = (id: string) => ({ refs: [{ provider: 'BETATEL', id }] });
const field = (r: { data?: unknown }) => (r.data as { messageStatusChanged: Record<string, unknown> } | undefined)?.messageStatusChanged;

describe('graphql-ws on /graphql, in live mode (no anonymous access)', () => {
  let h: Harness;
  let server: LoopbackServer;
  beforeAll(async () => {
    h = await startHarness({ env: { PROVIDER_MODE: 'live', ...FULL_ACCESS_ENV, WATCHER_POLL_MIN_MS: '50', MAX_SUBSCRIPTIONS_PER_CLIENT: '2' } });
    server = await serveOnLoopback(h);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('authenticates with x-api-key in connectionParams and streams the first answer, then a change', async () => {
    const { client } = wsClient(server.wsUrl, { 'x-api-key': FULL_ACCESS_KEY });
    const sub = subscribeWs(client, refs(BT));
    expect(field((await sub.waitFor(1))[0]!)).toMatchObject({ __typename: 'BetatelWdr', state: 'PENDING', providerMessageId: BT });
    const known = h.app.service.known('BETATEL', BT) as MessageStatusRecord<Record<string, unknown>>;
    const at = new Date();
    h.app.service.offer('BETATEL', BT, { ...known, state: 'READ', isFinal: true, fetchedAt: at, details: { ...known.details, status: 'READ' } }, at.getTime());
    await sub.ended;
    expect(sub.results.map(field).map((r) => r?.state)).toEqual(['PENDING', 'READ']);
    expect(h.app.watchers.size).toBe(0);
    await client.dispose();
  });

  it('closes an anonymous connection with 4401 before any subscription', async () => {
    const { client, closed } = wsClient(server.wsUrl);
    const sub = subscribeWs(client, refs('01KC0000000000000000000A02'));
    expect(await closed).toMatchObject({ code: 4401 });
    await sub.ended;
    expect(h.app.live.open).toBe(0);
    expect(h.simulator('BETATEL').requests).not.toContain('01KC0000000000000000000A02');
  });

  it('closes a connection with a wrong key with 4401, and one with an unusable header value with 4400', async () => {
    const wrong = wsClient(server.wsUrl, { 'x-api-key': 'not-a-key-of-this-server-0123456789' });
    void subscribeWs(wrong.client, refs('01KC0000000000000000000A03'));
    expect((await wrong.closed).code).toBe(4401);
    const broken = wsClient(server.wsUrl, { authorization: 'Bearer a\nb' });
    void subscribeWs(broken.client, refs('01KC0000000000000000000A03'));
    expect((await broken.closed).code).toBe(4400);
  });

  it('takes the credential from the upgrade request when connectionParams carry none (a router propagating headers)', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers: { 'x-api-key': FULL_ACCESS_KEY } });
    const messages: { type: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      socket.on('message', (data) => {
        messages.push(JSON.parse(String(data)) as { type: string });
        resolve();
      });
      socket.on('close', (code) => reject(new Error(`closed with ${code}`)));
    });
    expect(messages.map((m) => m.type)).toEqual(['connection_ack']);
    socket.close();
  });

  it('refuses an anonymous SSE subscription with 401', async () => {
    const sub = subscribeSse(h, refs('01KC0000000000000000000A04'));
    await sub.ended;
    expect(sub.httpStatus()).toBe(401);
    expect(sub.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('counts SSE and graphql-ws subscriptions of one key against one MAX_SUBSCRIPTIONS_PER_CLIENT', async () => {
    const sse = subscribeSse(h, refs('01KC0000000000000000000B01'), { 'x-api-key': FULL_ACCESS_KEY });
    await sse.waitFor(1);
    const { client } = wsClient(server.wsUrl, { 'x-api-key': FULL_ACCESS_KEY });
    const ws1 = subscribeWs(client, refs('01KC0000000000000000000B02'));
    await ws1.waitFor(1);
    const ws2 = subscribeWs(client, refs('01KC0000000000000000000B03'));
    const [refused] = await ws2.waitFor(1);
    expect(refused!.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    // Closing the socket ends its subscriptions and frees their watchers.
    await client.dispose();
    await sse.close();
    await eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, 'every subscription to end');
  });
});

describe('live mode with ALLOW_ANONYMOUS=true', () => {
  let h: Harness;
  let server: LoopbackServer;
  beforeAll(async () => {
    h = await startHarness({ env: { PROVIDER_MODE: 'live', ALLOW_ANONYMOUS: 'true' } });
    server = await serveOnLoopback(h);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('answers anonymous queries but refuses anonymous subscriptions with UNAUTHENTICATED, on both transports, before any upstream call', async () => {
    expect((await h.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
    const sse = subscribeSse(h, refs('01KC0000000000000000000C01'));
    await sse.ended;
    expect(sse.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const { client } = wsClient(server.wsUrl);
    const ws = subscribeWs(client, refs('01KC0000000000000000000C02'));
    await ws.ended;
    expect(ws.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(ws.results[0]!.errors?.[0]?.message).toMatch(/subscriptions need an API key or a bearer token in live mode/);
    expect(h.simulator('BETATEL').requests).toEqual([]);
    await client.dispose();
  });
});
