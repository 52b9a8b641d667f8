import type { IncomingHttpHeaders } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { gatewayConfig as forwardToken } from '../../examples/gateway/hive-gateway/forward-token/gateway.config.js';
import { gatewayConfig as routerKey } from '../../examples/gateway/hive-gateway/router-key/gateway.config.js';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { EventStreamReader } from '../../src/subscriptions/event-stream-reader.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { eventually, serveOnLoopback, STATUS_CHANGED, subscribeWs, type LoopbackServer } from '../helpers/live.js';
import { AUDIENCE, ISSUER, startHiveGateway, startIdentityProvider } from './hive-gateway.js';
import { startOutboundSubgraph, type RunningSubgraph } from './outbound-subgraph.js';
import { loadRouterExample, ROUTER_YAML } from './router-yaml.js';

/**
 * Subscriptions through the router configurations a user copies (examples/gateway/), as written:
 * Hive Gateway speaks SSE to this subgraph (a GET), Apollo Router graphql-ws. Neither adds a CSRF
 * header: the credential each sends is enough.
 */
const ROUTER_KEY = 'hive-gateway-test-router-key-0123456789';
const SUBSCRIPTION = 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on MessageStatus { id state isFinal } ... on BetatelWdr { uuid to } } }';

let h: Harness;
let idp: RunningSubgraph & { token(scope: string): Promise<string> };
let ours: LoopbackServer;
let outbound: RunningSubgraph;
let keyed: RunningSubgraph;
let forwarding: RunningSubgraph;
/** The requests that reached this subgraph (the gateway speaks SSE to subgraphs for subscriptions). */
const reached: { method: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  vi.stubEnv('MESSAGE_STATUS_API_KEY', ROUTER_KEY);
  idp = await startIdentityProvider();
  h = await startHarness({
    env: {
      ALLOW_ANONYMOUS: 'false',
      API_KEYS: `router:${ROUTER_KEY}:status:read pii:read`,
      JWT_JWKS_URL: idp.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      WATCHER_POLL_MIN_MS: '5000',
    },
  });
  ours = await serveOnLoopback(h);
  ours.server.prependListener('request', (req) => reached.push({ method: req.method ?? '', headers: req.headers }));
  outbound = await startOutboundSubgraph([]);
  keyed = await startHiveGateway(routerKey, { messageStatus: ours.url, outbound: outbound.url });
  forwarding = await startHiveGateway(forwardToken, { messageStatus: ours.url, outbound: outbound.url });
});
afterAll(async () => {
  await keyed?.close();
  await forwarding?.close();
  await outbound?.close();
  await ours?.close();
  await h?.close();
  await idp?.close();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  reached.length = 0;
});

/** Subscribes through a gateway over SSE; `next()` gives each result. */
async function subscribeThrough(gateway: RunningSubgraph, refs: { provider: string; id: string }[], headers: Record<string, string> = {}) {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: SUBSCRIPTION, variables: { refs } }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = new EventStreamReader(res.body!, 1 << 20);
  return {
    events,
    async next(): Promise<ExecutionResult> {
      for (;;) {
        const step = await events.next();
        if (step.done) throw new Error('stream ended');
        if (step.value.event === 'next') return JSON.parse(step.value.data) as ExecutionResult;
      }
    },
  };
}

/** The subscription requests this subgraph got: GETs asking for an event stream. */
const sseGets = () => reached.filter((r) => r.method === 'GET' && r.headers.accept === 'text/event-stream');

describe('Hive Gateway, the router-key example', () => {
  it('a change this subgraph learns reaches the client well under a second later; the SSE GET carries the key and no CSRF header', async () => {
    const BT = '01KG0000000000000000000A01';
    const stream = await subscribeThrough(keyed, [{ provider: 'BETATEL', id: BT }]);
    const first = await stream.next();
    expect(first).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'PENDING', isFinal: false, uuid: BT } } });
    expect(sseGets()).toHaveLength(1);
    expect(sseGets()[0]!.headers['x-api-key']).toBe(ROUTER_KEY);
    expect(sseGets()[0]!.headers).not.toHaveProperty('x-graphql-yoga-csrf');
    expect(h.app.live.open).toBe(1);

    // The provider tells us (what a webhook does): the record becomes READ.
    const known = h.app.service.known('BETATEL', BT) as MessageStatusRecord<Record<string, unknown>>;
    const at = new Date();
    const offeredAt = Date.now();
    h.app.service.offer('BETATEL', BT, { ...known, state: 'READ', isFinal: true, fetchedAt: at, details: { ...known.details, status: 'READ' } }, at.getTime());
    const change = await stream.next();
    const latencyMs = Date.now() - offeredAt;
    expect(change).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'READ', isFinal: true, uuid: BT } } });
    expect(latencyMs).toBeLessThan(1_000);
    // Every ref final: the subgraph completes, the gateway completes the client's stream.
    const end = await stream.events.next();
    expect(end.done || end.value.event === 'complete').toBe(true);
    await stream.events.return();
    await eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, 'the subgraph subscription to end');
  });
});

describe('Hive Gateway, the forward-token example', () => {
  it("the user's token rides the SSE GET (no CSRF header): events come, numbers in clear for a pii:read token", async () => {
    const BT = '01KG0000000000000000000A02';
    const token = `Bearer ${await idp.token('status:read pii:read')}`;
    const stream = await subscribeThrough(forwarding, [{ provider: 'BETATEL', id: BT }], { authorization: token });
    const first = await stream.next();
    expect(first.errors).toBeUndefined();
    expect(first).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'PENDING', uuid: BT } } });
    expect((first.data as { messageStatusChanged: { to: string } }).messageStatusChanged.to).toMatch(/^\+?\d+$/);
    expect(sseGets().map((r) => r.headers.authorization)).toEqual([token]);
    expect(sseGets()[0]!.headers).not.toHaveProperty('x-graphql-yoga-csrf');
    await stream.events.return();
    await eventually(() => h.app.live.open === 0, 'the subgraph subscription to end');
  });
});

describe('Apollo Router, the subscription section of each example (passthrough over graphql-ws)', () => {
  const cases = [
    { file: ROUTER_YAML.routerKey, client: async () => new Headers() },
    { file: ROUTER_YAML.forwardToken, client: async () => new Headers({ authorization: `Bearer ${await idp.token('status:read')}` }) },
  ];
  for (const { file, client } of cases) {
    it(`${file.pathname.split('/').pop()}: graphql-ws at its path, with its header rules on the handshake, streams the record`, async () => {
      const example = loadRouterExample(file);
      const passthrough = example.subscription('message-status');
      expect(passthrough).toEqual({ path: '/graphql', protocol: 'graphql_ws' });
      const headers = Object.fromEntries(example.headersFor('message-status', await client()));
      expect(Object.keys(headers)).toHaveLength(1);
      // graphql_ws is the graphql-transport-ws subprotocol, graphql-ws's client.
      class WithHandshakeHeaders extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers });
        }
      }
      const wsClient = createClient({ url: `ws://${new URL(ours.url).host}${passthrough!.path}`, webSocketImpl: WithHandshakeHeaders, retryAttempts: 0, lazy: true });
      const sub = subscribeWs(wsClient, { refs: [{ provider: 'BETATEL', id: '01KG0000000000000000000A03' }] }, STATUS_CHANGED);
      const [first] = await sub.waitFor(1);
      expect(first!.errors).toBeUndefined();
      expect(first).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'PENDING' } } });
      await sub.close();
      await wsClient.dispose();
      await eventually(() => h.app.live.open === 0, 'the subgraph subscription to end');
    });
  }
});
