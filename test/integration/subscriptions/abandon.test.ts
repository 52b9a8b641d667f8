import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, serveOnLoopback, STATUS_CHANGED, subscribeSse, type LoopbackServer } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';

// Keep-alives every 12 s, as in production: nothing but the fixes releases a subscription early.
process.env.NODE_ENV = 'production';

const READER_KEY = 'abandon-reader-key-0123456789abcdef';
const NO_STATUS_KEY = 'abandon-no-status-key-0123456789ab';
const OTHER_KEY = 'abandon-other-key-0123456789abcdef';
const MAX_EVENT_BYTES = 400;
const IDS = ['01KF0000000000000000000A01', '01KF0000000000000000000A02', '01KF0000000000000000000A03', '01KF0000000000000000000A04', 'not-a-ulid'];
/** Twenty aliases: an event far over MAX_EVENT_BYTES on graphql-ws (SSE has no such cap). */
const OVERSIZE = `subscription Big($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ... on MessageStatus { ${Array.from({ length: 20 }, (_, i) => `a${i}: providerMessageId`).join(' ')} } } }`;

let h: Harness;
let server: LoopbackServer;
beforeAll(async () => {
  h = await startHarness({
    env: {
      API_KEYS: `reader:${READER_KEY}:status:read,nostatus:${NO_STATUS_KEY}:pii:read,other:${OTHER_KEY}:status:read`,
      WATCHER_POLL_MIN_MS: '50',
      WATCHER_POLL_MAX_MS: '200',
      MAX_WATCHERS_PER_CLIENT: '6',
      MAX_WS_SOCKETS_PER_CLIENT: '3',
      WS_IDLE_TIMEOUT_MS: '300',
      RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  server = await serveOnLoopback(h, undefined, { maxEventBytes: MAX_EVENT_BYTES });
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

/** Sockets whose client stays connected with a subscription open until the end (then drops them). */
const stayed: WebSocket[] = [];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const variables = (ids: string[]) => ({ refs: ids.map((id) => (id === 'final' ? { provider: 'D7', id: D7_SANDBOX.example } : { provider: 'BETATEL', id })) });

/** A raw graphql-transport-ws socket: init with `key`, then `subscribe` frames; resolves once acked or closed. */
function rawSocket(key: string): Promise<{ socket: WebSocket; acked: boolean; firstEvent: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    let sawEvent!: () => void;
    const firstEvent = new Promise<void>((done) => (sawEvent = done));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': key } })));
    socket.on('message', (data) => {
      const type = (JSON.parse(String(data)) as { type: string }).type;
      if (type === 'connection_ack') resolve({ socket, acked: true, firstEvent });
      else sawEvent();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sawEvent();
      resolve({ socket, acked: false, firstEvent });
    });
  });
}

const idsArb = fc.array(fc.constantFrom(...IDS, 'final'), { minLength: 1, maxLength: 4 });
const action = fc.oneof(
  fc.record({ kind: fc.constant('refused-accept' as const), accept: fc.constantFrom('application/json', 'application/graphql-response+json', 'multipart/mixed', 'get-json'), ids: idsArb }),
  fc.record({ kind: fc.constant('no-scope' as const), ids: idsArb, ws: fc.boolean() }),
  fc.record({ kind: fc.constant('sse' as const), ids: idsArb, afterMs: fc.integer({ min: 0, max: 80 }), leave: fc.constantFrom('abort', 'drop-socket', 'wait-end') }),
  fc.record({ kind: fc.constant('ws' as const), ids: idsArb, afterMs: fc.integer({ min: 0, max: 80 }), oversize: fc.boolean(), leave: fc.constantFrom('complete', 'terminate', 'close', 'stay') }),
  fc.record({ kind: fc.constant('ws-sockets' as const), count: fc.integer({ min: 1, max: 5 }), terminate: fc.boolean() }),
);

async function play(step: typeof action extends fc.Arbitrary<infer A> ? A : never): Promise<void> {
  switch (step.kind) {
    case 'refused-accept': {
      const body = { query: STATUS_CHANGED, variables: variables(step.ids) };
      const res =
        step.accept === 'get-json'
          ? await h.app.yoga.fetch(`http://test.local/graphql?query=${encodeURIComponent(body.query)}&variables=${encodeURIComponent(JSON.stringify(body.variables))}`, {
              headers: { 'x-graphql-yoga-csrf': '1', accept: 'application/json', 'x-api-key': READER_KEY },
            })
          : await h.app.yoga.fetch('http://test.local/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: step.accept, 'x-api-key': READER_KEY }, body: JSON.stringify(body) });
      expect(res.status).toBe(406);
      await res.text();
      return;
    }
    case 'no-scope': {
      if (!step.ws) {
        const sub = subscribeSse(h, variables(step.ids), { 'x-api-key': NO_STATUS_KEY });
        await sub.ended;
        expect(sub.results[0]?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        return;
      }
      const { socket, acked } = await rawSocket(NO_STATUS_KEY);
      if (acked) socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: STATUS_CHANGED, variables: variables(step.ids) } }));
      await pause(20);
      socket.terminate();
      return;
    }
    case 'sse': {
      if (step.leave === 'drop-socket') {
        const url = new URL(server.url);
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': READER_KEY } });
        req.on('error', () => undefined);
        req.on('response', (res) => res.on('error', () => undefined).resume());
        req.end(JSON.stringify({ query: STATUS_CHANGED, variables: variables(step.ids) }));
        await pause(step.afterMs);
        req.destroy();
        return;
      }
      const sub = subscribeSse(h, variables(step.ids), { 'x-api-key': READER_KEY });
      if (step.leave === 'wait-end') await Promise.race([sub.ended, pause(step.afterMs + 100)]);
      else await pause(step.afterMs);
      await sub.close();
      return;
    }
    case 'ws': {
      const { socket, acked, firstEvent } = await rawSocket(READER_KEY);
      if (!acked) return;
      socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: step.oversize ? OVERSIZE : STATUS_CHANGED, variables: variables(step.ids) } }));
      await Promise.race([firstEvent, pause(step.afterMs)]);
      if (step.leave === 'complete') socket.send(JSON.stringify({ id: 's', type: 'complete' }));
      else if (step.leave === 'terminate') socket.terminate();
      else if (step.leave === 'close') socket.close(1000);
      // 'stay': left open with its subscription (a live client); it goes away after the property.
      else stayed.push(socket);
      return;
    }
    case 'ws-sockets': {
      // Idle sockets, some past the per-client cap: the server closes them all by itself.
      const sockets = await Promise.all(Array.from({ length: step.count }, () => rawSocket(READER_KEY)));
      if (step.terminate) for (const { socket } of sockets) socket.terminate();
      return;
    }
  }
}

describe('abandoned subscriptions and sockets, on both transports', () => {
  it('whatever clients do and leave behind, the open subscriptions, watchers and graphql-ws sockets return to zero, and another client is served', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const step of steps) await play(step);
      }),
      { numRuns: 30 },
    );
    for (const socket of stayed) socket.terminate();
    const gauges = async () => {
      const text = await (await h.get('/metrics')).text();
      return { open: sample(text, 'graphql_subscriptions_open'), watchers: sample(text, 'status_watchers_active'), sockets: sample(text, 'graphql_ws_sockets_open') };
    };
    let last = await gauges();
    // Sockets left open are closed by the idle timeout (300 ms here) once their subscriptions end.
    const poll = setInterval(() => void gauges().then((g) => (last = g)), 50);
    try {
      await eventually(() => last.open === 0 && last.watchers === 0 && last.sockets === 0 && h.app.live.open === 0 && h.app.watchers.size === 0, 'gauges back to zero', 8_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(last)}`);
    } finally {
      clearInterval(poll);
    }
    expect(h.app.live.watchedByClient('key:reader')).toBe(0);
    const res = await h.post(JSON.stringify({ query: `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { ... on MessageStatus { state } } }` }), { 'x-api-key': OTHER_KEY });
    expect(await res.json()).toEqual({ data: { messageStatus: { state: 'READ' } } });
  }, 120_000);
});
