import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, serveOnLoopback, STATUS_CHANGED, subscribeSse, subscribeWs, wsClient, type LoopbackServer } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';

// Yoga's SSE keep-alive is 300 ms under NODE_ENV=test and 12 s otherwise; a keep-alive wakes a
// stream's pending read, which used to be what finally released a subscription. As in production here.
process.env.NODE_ENV = 'production';

const READER_KEY = 'lifetimes-reader-key-0123456789abcdef';
const NO_STATUS_KEY = 'lifetimes-no-status-key-0123456789ab';
const OTHER_KEY = 'lifetimes-other-key-0123456789abcdef';
const KEY = { 'x-api-key': READER_KEY };
const BT = (n: number) => `01KE00000000000000000${String(n).padStart(5, '0')}`;
const refs = (...ids: string[]) => ({ refs: ids.map((id) => ({ provider: 'BETATEL', id })) });

let h: Harness;
let server: LoopbackServer;
const clock = Date.now();
beforeAll(async () => {
  h = await startHarness({
    env: {
      API_KEYS: `reader:${READER_KEY}:status:read,nostatus:${NO_STATUS_KEY}:pii:read content:read,other:${OTHER_KEY}:status:read,full:${FULL_ACCESS_KEY}:status:read`,
      // Nothing moves by itself: a watcher's poll never wakes a stream during these tests.
      WATCHER_POLL_MIN_MS: '60000',
      WATCHER_POLL_MAX_MS: '60000',
      MAX_WATCHERS_PER_CLIENT: '3',
      WS_IDLE_TIMEOUT_MS: '400',
    },
    simulator: { now: () => clock },
  });
  server = await serveOnLoopback(h);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const gauges = async () => {
  const text = await (await h.get('/metrics')).text();
  return { open: sample(text, 'graphql_subscriptions_open'), watchers: sample(text, 'status_watchers_active'), sockets: sample(text, 'graphql_ws_sockets_open') };
};
const released = (what: string) => eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, `${what}: every subscription and watcher released`, 1_500);
const codes = (r: { errors?: readonly unknown[] }) => (r.errors ?? []).map((e) => (e as { extensions?: { code?: string } }).extensions?.code);

describe('a subscription starts only once its response can carry it and its scopes are checked', () => {
  it('answers 406 NOT_ACCEPTABLE to a POST accepting JSON, graphql-response+json or multipart/mixed, and to a GET accepting JSON, starting nothing', async () => {
    h.resetCounts();
    const body = JSON.stringify({ query: STATUS_CHANGED, variables: refs(BT(1)) });
    for (const accept of ['application/json', 'application/graphql-response+json', 'multipart/mixed']) {
      const res = await h.app.yoga.fetch('http://test.local/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept, ...KEY }, body });
      expect([accept, res.status]).toEqual([accept, 406]);
      expect(codes((await res.json()) as { errors?: unknown[] })).toEqual(['NOT_ACCEPTABLE']);
    }
    const url = `http://test.local/graphql?query=${encodeURIComponent(STATUS_CHANGED)}&variables=${encodeURIComponent(JSON.stringify(refs(BT(1))))}`;
    const get = await h.app.yoga.fetch(url, { headers: { 'x-graphql-yoga-csrf': '1', accept: 'application/json', ...KEY } });
    expect(get.status).toBe(406);
    expect(codes((await get.json()) as { errors?: unknown[] })).toEqual(['NOT_ACCEPTABLE']);
    expect(await gauges()).toMatchObject({ open: 0, watchers: 0 });
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });

  it('refuses a key without status:read at subscribe with FORBIDDEN, as a query is refused, before any watcher or upstream call', async () => {
    h.resetCounts();
    const asQuery = await h.post(JSON.stringify({ query: `{ messageStatus(provider: BETATEL, id: "${BT(2)}") { __typename } }` }), { 'x-api-key': NO_STATUS_KEY });
    const queryCodes = codes((await asQuery.json()) as { errors?: unknown[] });
    h.resetCounts();
    const sub = subscribeSse(h, refs(BT(2)), { 'x-api-key': NO_STATUS_KEY });
    await sub.ended;
    expect(sub.results.map(codes)).toEqual([queryCodes]);
    expect(queryCodes).toEqual(['FORBIDDEN']);
    expect(h.app.live.open).toBe(0);
    expect(h.app.watchers.size).toBe(0);
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });
});

/** A GraphQL over SSE subscription over a real socket, as a browser or a router holds it. */
function sseOverSocket(body: object): { firstEvent: Promise<void>; request: ClientRequest } {
  const url = new URL(server.url);
  const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...KEY } });
  request.on('error', () => undefined);
  request.end(JSON.stringify(body));
  const firstEvent = new Promise<void>((resolve) => {
    request.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += String(chunk);
        if (text.includes('event: next')) resolve();
      });
      res.on('error', () => undefined);
    });
  });
  return { firstEvent, request };
}

describe('a subscription ends within a second of its client leaving, on both transports', () => {
  it('SSE: the client drops its socket mid-stream', async () => {
    const { firstEvent, request } = sseOverSocket({ query: STATUS_CHANGED, variables: refs(BT(3)) });
    await firstEvent;
    expect(h.app.live.open).toBe(1);
    request.destroy();
    await released('SSE socket dropped');
  });

  it('graphql-ws: the client completes its subscription', async () => {
    const { client } = wsClient(server.wsUrl, KEY);
    const sub = subscribeWs(client, refs(BT(4)));
    await sub.waitFor(1);
    expect(h.app.watchers.subscribers('BETATEL', BT(4))).toBe(1);
    await sub.close();
    await released('graphql-ws complete');
    await client.dispose();
  });

  it('graphql-ws: the socket drops mid-stream', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise<void>((resolve) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: KEY })));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string };
        if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: STATUS_CHANGED, variables: refs(BT(5)) } }));
        if (message.type === 'next') resolve();
      });
    });
    expect(h.app.live.open).toBe(1);
    socket.terminate();
    await released('graphql-ws socket dropped');
  });

  it('graphql-ws: an event larger than the relay cap ends its subscription with EVENT_TOO_LARGE and no internal text', async () => {
    const small = await serveOnLoopback(h, undefined, { maxEventBytes: 120 });
    try {
      const { client } = wsClient(small.wsUrl, KEY);
      const sub = subscribeWs(client, refs(BT(6)));
      await sub.ended;
      expect(sub.results).toHaveLength(1);
      const [error] = sub.results[0]!.errors as unknown as { message: string; extensions: Record<string, unknown> }[];
      expect(error).toEqual({ message: expect.stringContaining('larger than 120 bytes') as string, extensions: { code: 'EVENT_TOO_LARGE', maxEventBytes: 120 } });
      expect(JSON.stringify(sub.results)).not.toMatch(/stack|at .*\.ts|Error:/);
      await released('graphql-ws event too large');
      await client.dispose();
    } finally {
      await small.close();
    }
  });
});

describe('graphql-ws sockets are bounded per client and by idleness', () => {
  it('closes the 21st socket of one key with 4429 and a reason naming MAX_WS_SOCKETS_PER_CLIENT; other keys still connect; a slot frees when a socket closes', async () => {
    const patient = await serveOnLoopback(h, undefined, { limits: { maxSocketsPerClient: 20, idleTimeoutMs: 60_000 } });
    const open = (key: string) =>
      new Promise<{ socket: WebSocket; outcome: string }>((resolve) => {
        const socket = new WebSocket(patient.wsUrl, 'graphql-transport-ws');
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': key } })));
        socket.on('message', () => resolve({ socket, outcome: 'ack' }));
        socket.on('close', (code, reason) => resolve({ socket, outcome: `${code} ${String(reason)}` }));
      });
    try {
      const held: { socket: WebSocket; outcome: string }[] = [];
      for (let i = 0; i < 20; i += 1) held.push(await open(READER_KEY));
      expect(held.map((s) => s.outcome)).toEqual(Array(20).fill('ack'));
      const extra = await open(READER_KEY);
      expect(extra.outcome).toBe('4429 Too many sockets for this client (MAX_WS_SOCKETS_PER_CLIENT)');
      expect((await open(OTHER_KEY)).outcome).toBe('ack');
      held[0]!.socket.close();
      await eventually(() => held[0]!.socket.readyState === WebSocket.CLOSED, 'a socket to close');
      let again = await open(READER_KEY);
      // The server may count the close a moment after the client sees it.
      for (let tries = 0; again.outcome !== 'ack' && tries < 20; tries += 1) again = await open(READER_KEY);
      expect(again.outcome).toBe('ack');
      const metrics = await (await h.get('/metrics')).text();
      expect(sample(metrics, 'graphql_ws_sockets_limited_total', { reason: 'too_many_sockets' })).toBeGreaterThanOrEqual(1);
      for (const { socket } of held) socket.terminate();
      again.socket.terminate();
    } finally {
      await patient.close();
    }
  });

  it('closes a socket with no subscription after WS_IDLE_TIMEOUT_MS with 4408, and keeps one whose subscription is open', async () => {
    /** A raw graphql-transport-ws socket past connection_init, which a lazy client would have closed itself. */
    const acked = () =>
      new Promise<{ socket: WebSocket; closed: Promise<string>; next: Promise<void> }>((resolve) => {
        const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
        const closed = new Promise<string>((done) => socket.on('close', (code, reason) => done(`${code} ${String(reason)}`)));
        let sawNext!: () => void;
        const next = new Promise<void>((done) => (sawNext = done));
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: KEY })));
        socket.on('message', (data) => {
          const type = (JSON.parse(String(data)) as { type: string }).type;
          if (type === 'connection_ack') resolve({ socket, closed, next });
          if (type === 'next') sawNext();
        });
      });
    const idle = await acked();
    // A query answers and completes: the socket is idle again.
    idle.socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } }));
    expect(await idle.closed).toBe('4408 Idle timeout: no subscription for WS_IDLE_TIMEOUT_MS');

    const busy = await acked();
    busy.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: STATUS_CHANGED, variables: refs(BT(7)) } }));
    await busy.next;
    let closedEarly = false;
    void busy.closed.then(() => (closedEarly = true));
    // Three idle periods with a subscription open: still open.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(closedEarly).toBe(false);
    busy.socket.send(JSON.stringify({ id: 's', type: 'complete' }));
    expect(await busy.closed).toBe('4408 Idle timeout: no subscription for WS_IDLE_TIMEOUT_MS');
    await released('idle socket');
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'graphql_ws_sockets_limited_total', { reason: 'idle' })).toBeGreaterThanOrEqual(2);
  });
});

describe('graphql-ws sockets before connection_init', () => {
  it('are closed by the init wait (4408) and leave no socket counted', async () => {
    const quick = await serveOnLoopback(h, undefined, { connectionInitWaitMs: 200 });
    try {
      const sockets = Array.from({ length: 5 }, () => new WebSocket(quick.wsUrl, 'graphql-transport-ws'));
      const closes = await Promise.all(sockets.map((socket) => new Promise<string>((resolve) => socket.on('close', (code, reason) => resolve(`${code} ${String(reason)}`)))));
      expect(new Set(closes)).toEqual(new Set(['4408 Connection initialisation timeout']));
      let open = -1;
      await eventually(() => {
        void h.get('/metrics').then(async (res) => (open = sample(await res.text(), 'graphql_ws_sockets_open')));
        return open === 0;
      }, 'no socket counted');
    } finally {
      await quick.close();
    }
  });
});

describe('MAX_WATCHERS_PER_CLIENT', () => {
  it('refuses a subscription that would take one client past its watched messages with CLIENT_WATCHER_LIMIT, before it starts; other clients are unaffected', async () => {
    h.resetCounts();
    const first = subscribeSse(h, refs(BT(10), BT(11), BT(11)), KEY);
    await first.waitFor(3);
    // A repeated ref of one subscription counts once: 2 of 3.
    expect(h.app.live.watchedByClient('key:reader')).toBe(2);
    // The same message in a second subscription counts again: 2 + 2 > 3.
    const refused = subscribeSse(h, refs(BT(11), BT(12)), KEY);
    await refused.ended;
    expect(refused.results.map((r) => (r.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.maxWatchersPerClient]))).toEqual([[['CLIENT_WATCHER_LIMIT', 3]]]);
    expect(refused.results[0]!.errors?.[0]?.message).toMatch(/at most 3 messages together \(MAX_WATCHERS_PER_CLIENT\)/);
    expect(h.simulator('BETATEL').requests.filter((id) => id === BT(12))).toEqual([]);
    const other = subscribeSse(h, refs(BT(12), BT(13), BT(14)), { 'x-api-key': OTHER_KEY });
    await other.waitFor(3);
    const fits = subscribeSse(h, refs(BT(11)), KEY);
    await fits.waitFor(1);
    expect(h.app.live.watchedByClient('key:reader')).toBe(3);
    await Promise.all([first.close(), other.close(), fits.close()]);
    await released('watcher cap');
    expect(h.app.live.watchedByClient('key:reader')).toBe(0);
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'graphql_subscriptions_refused_total', { reason: 'CLIENT_WATCHER_LIMIT' })).toBe(1);
  });
});
