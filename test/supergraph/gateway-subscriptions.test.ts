import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { EventStreamReader } from '../../src/live/event-stream-reader.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { eventually, serveOnLoopback, type LoopbackServer } from '../helpers/live.js';
import { composeSupergraph } from './compose.js';
import { listen, startOutboundSubgraph, type RunningSubgraph } from './outbound-subgraph.js';

// The gateway authenticates to this subgraph with a key of its own (docs/federation.md, "Routers").
const ROUTER_KEY = 'hive-gateway-test-router-key-0123456789';
const BT = '01KG0000000000000000000A01';

let h: Harness;
let ours: LoopbackServer;
let outbound: RunningSubgraph;
let gateway: GatewayRuntime;
let gatewayServer: RunningSubgraph;
/** Requests that reached our subgraph, by Accept header (the gateway speaks SSE to subgraphs for subscriptions). */
const accepts: string[] = [];

beforeAll(async () => {
  h = await startHarness({ env: { ALLOW_ANONYMOUS: 'false', API_KEYS: `router:${ROUTER_KEY}:status:read pii:read`, WATCHER_POLL_MIN_MS: '5000' } });
  ours = await serveOnLoopback(h);
  ours.server.prependListener('request', (req) => accepts.push(`${req.method} ${String(req.headers.accept)}`));
  outbound = await startOutboundSubgraph([]);
  const composed = composeSupergraph({ messageStatus: ours.url, outbound: outbound.url }, undefined, 'guild');
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.join('; ')}`);
  gateway = createGatewayRuntime({
    supergraph: composed.supergraphSdl,
    logging: false,
    // Subscriptions go to the subgraph over HTTP with SSE (the HTTP transport's default), as a
    // GET: it needs the CSRF header, as every non-JSON request does (docs/security.md, "CSRF and CORS").
    transportEntries: { 'message-status': { headers: [['x-api-key', ROUTER_KEY], ['x-graphql-yoga-csrf', '1']] } },
  });
  gatewayServer = await listen(createServer(gateway), '/graphql');
});
afterAll(async () => {
  await gatewayServer?.close();
  await gateway?.dispose();
  await outbound?.close();
  await ours?.close();
  await h?.close();
});

describe('a subscription through Hive Gateway', () => {
  it('reaches the client when this subgraph learns a change, well under a second later', async () => {
    const res = await fetch(gatewayServer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on MessageStatus { id state isFinal } ... on BetatelWdr { uuid to } } }',
        variables: { refs: [{ provider: 'BETATEL', id: BT }] },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = new EventStreamReader(res.body!, 1 << 20);
    const nextResult = async (): Promise<ExecutionResult> => {
      for (;;) {
        const step = await events.next();
        if (step.done) throw new Error('stream ended');
        if (step.value.event === 'next') return JSON.parse(step.value.data) as ExecutionResult;
      }
    };
    const first = await nextResult();
    expect(first).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'PENDING', isFinal: false, uuid: BT } } });
    expect(accepts).toContain('GET text/event-stream');
    expect(h.app.live.open).toBe(1);

    // The provider tells us (what a webhook does): the record becomes READ.
    const known = h.app.service.known('BETATEL', BT) as MessageStatusRecord<Record<string, unknown>>;
    const at = new Date();
    const offeredAt = Date.now();
    h.app.service.offer('BETATEL', BT, { ...known, state: 'READ', isFinal: true, fetchedAt: at, details: { ...known.details, status: 'READ' } }, at.getTime());
    const change = await nextResult();
    const latencyMs = Date.now() - offeredAt;
    expect(change).toMatchObject({ data: { messageStatusChanged: { __typename: 'BetatelWdr', state: 'READ', isFinal: true, uuid: BT } } });
    expect(latencyMs).toBeLessThan(1_000);
    // Every ref final: the subgraph completes, the gateway completes the client's stream.
    const end = await events.next();
    expect(end.done || end.value.event === 'complete').toBe(true);
    await events.return();
    await eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, 'the subgraph subscription to end');
  });
});
