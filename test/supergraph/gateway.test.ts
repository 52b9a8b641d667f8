import { createServer } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Trace } from '@apollo/usage-reporting-protobuf';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { BETATEL_SANDBOX } from '../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { composeSupergraph } from './compose.js';
import { BT_IDS, D7_IDS, listen, startOutboundSubgraph, TWENTY, type OutboundMessage, type RunningSubgraph } from './outbound-subgraph.js';
import { loadRouterExample, ROUTER_YAML } from './router-yaml.js';

// The router authenticates to this subgraph with a key of its own, from its environment (docs/federation.md, "Routers").
const ROUTER_KEY = 'gateway-test-router-key-0123456789';

const EDGE_CASES: OutboundMessage[] = [
  { id: 'ok-d7', provider: 'D7', providerMessageId: D7_IDS[0]! },
  { id: 'missing', provider: 'D7', providerMessageId: D7_SANDBOX.notFound },
  { id: 'failing', provider: 'BETATEL', providerMessageId: BETATEL_SANDBOX.serverError },
  { id: 'ok-betatel', provider: 'BETATEL', providerMessageId: BT_IDS[0]! },
  { id: 'malformed', provider: 'D7', providerMessageId: 'not-a-uuid' },
];

interface SubgraphRequest {
  query: string;
  variables?: { representations?: { __typename: string; id: string }[] };
  /** The `apollo-federation-include-trace` header the gateway sent, if any. */
  includeTrace?: string;
  /** Whether our answer carried `extensions.ftv1`. */
  answeredFtv1?: boolean;
}

/**
 * Stands in for usage reporting, which is what makes a gateway ask subgraphs for traces:
 * a client header turns trace capture on, and the gateway's query-plan trace is kept.
 */
let lastPlanTrace: Trace.IQueryPlanNode | undefined;
const captureTracesOnRequest: ApolloServerPlugin = {
  async requestDidStart(rc) {
    if (rc.request.http?.headers.get('x-test-capture-traces') === '1') rc.metrics.captureTraces = true;
    return {
      async willSendResponse(done) {
        lastPlanTrace = done.metrics.queryPlanTrace;
      },
    };
  },
};

let h: Harness;
let ours: RunningSubgraph;
let outbound: RunningSubgraph;
let gateway: ApolloServer;
let gatewayUrl: string;
/** Every GraphQL request that reached our subgraph over HTTP. */
const ourRequests: SubgraphRequest[] = [];

beforeAll(async () => {
  vi.stubEnv('MESSAGE_STATUS_API_KEY', ROUTER_KEY);
  // As in live mode: no anonymous access, so every request below must carry the router's key.
  // Upstream lookups are counted per query: no cross-request cache between the tests.
  h = await startHarness({ env: { ALLOW_ANONYMOUS: 'false', API_KEYS: `router:${ROUTER_KEY}:status:read`, CACHE_MAX_ENTRIES: '0' } });
  // Our yoga behind a plain HTTP server that records each request body before handing it on.
  ours = await listen(
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const record = req.method === 'POST' ? (JSON.parse(body) as SubgraphRequest) : undefined;
      const headers = Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string');
      const response = await h.app.yoga.fetch(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: record ? body : undefined });
      const answer = await response.text();
      if (record) {
        record.includeTrace = req.headers['apollo-federation-include-trace'] as string | undefined;
        record.answeredFtv1 = answer.includes('"ftv1"');
        ourRequests.push(record);
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(answer);
    }),
    '/graphql',
  );
  outbound = await startOutboundSubgraph([...TWENTY, ...EDGE_CASES]);
  const composed = composeSupergraph({ messageStatus: ours.url, outbound: outbound.url });
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.join('; ')}`);
  // The header rules of the Apollo Router example (examples/gateway/apollo-router/router-key.yaml),
  // applied per subgraph as the router applies them.
  const router = loadRouterExample(ROUTER_YAML.routerKey);
  const buildService = ({ name, url }: { name: string; url?: string }) =>
    new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request }) {
        router.headersFor(name, new Headers()).forEach((value, header) => request.http?.headers.set(header, value));
      },
    });
  gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService }), plugins: [captureTracesOnRequest] });
  ({ url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { port: 0, host: '127.0.0.1' } }));
});
afterAll(async () => {
  await gateway?.stop();
  await outbound?.close();
  await ours?.close();
  await h?.close();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  h.resetCounts();
  ourRequests.length = 0;
  lastPlanTrace = undefined;
});

async function viaGateway<T>(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: GraphQLFormattedError[] }> {
  const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { data?: T; errors?: GraphQLFormattedError[] };
}

const entityRequests = () => ourRequests.filter((r) => r.query.includes('_entities'));

interface Status {
  __typename?: string;
  id: string;
  provider: string;
  providerMessageId: string;
  state: string;
  isFinal: boolean;
}
interface Outbound {
  id: string;
  provider: string;
  providerMessageId: string;
  deliveryStatus: Status | null;
}

const STATUS_QUERY = `query ($ids: [ID!]!) {
  outboundMessages(ids: $ids) { id provider providerMessageId deliveryStatus { id provider providerMessageId state isFinal } }
}`;

describe('through a gateway over the composed supergraph', () => {
  it('20 outbound messages naming 7 provider ids: one _entities request to us, 7 upstream lookups', async () => {
    const res = await viaGateway<{ outboundMessages: Outbound[] }>(STATUS_QUERY, { ids: TWENTY.map((m) => m.id) });
    expect(res.errors).toBeUndefined();
    const items = res.data!.outboundMessages;
    expect(items).toHaveLength(20);
    items.forEach((item, i) => {
      const sent = TWENTY[i]!;
      expect(item.id).toBe(sent.id);
      expect(item.deliveryStatus).toMatchObject({ provider: sent.provider, providerMessageId: sent.providerMessageId });
      expect(item.deliveryStatus!.state).toMatch(/^[A-Z]+$/);
    });

    expect(ourRequests).toHaveLength(1);
    expect(entityRequests()).toHaveLength(1);
    // Every reference travels by the interface's key, the global id.
    const representations = entityRequests()[0]!.variables!.representations!;
    expect(representations.every((r) => r.__typename === 'MessageStatus')).toBe(true);
    // The gateway sends all 20 references; our per-request loader fetches each id once.
    expect(representations).toHaveLength(20);
    expect(new Set(representations.map((r) => r.id)).size).toBe(7);

    expect([...h.simulator('D7').requests].sort()).toEqual([...D7_IDS].sort());
    expect([...h.simulator('BETATEL').requests].sort()).toEqual([...BT_IDS].sort());
    expect(h.simulator('D7').requests.length + h.simulator('BETATEL').requests.length).toBe(7);
  });

  it('resolves the entity interface MessageStatus by its global id to the concrete type', async () => {
    const res = await viaGateway<{ outboundMessages: { deliveryStatus: Record<string, unknown> }[] }>(
      `query ($ids: [ID!]!) {
        outboundMessages(ids: $ids) {
          deliveryStatus { __typename id state ... on D7Report { requestId messages { state } } ... on BetatelWdr { uuid } }
        }
      }`,
      { ids: ['ok-d7', 'ok-betatel'] },
    );
    expect(res.errors).toBeUndefined();
    const [d7, betatel] = res.data!.outboundMessages.map((m) => m.deliveryStatus);
    expect(d7).toMatchObject({ __typename: 'D7Report', id: encodeGlobalId('D7Report', D7_IDS[0]!), requestId: D7_IDS[0] });
    expect((d7!.messages as unknown[]).length).toBeGreaterThan(0);
    expect(betatel).toMatchObject({ __typename: 'BetatelWdr', id: encodeGlobalId('BetatelWdr', BT_IDS[0]!), uuid: BT_IDS[0] });
    // The concrete type and its own fields come in the same single fetch.
    expect(ourRequests).toHaveLength(1);
    expect(entityRequests()).toHaveLength(1);
    expect(h.simulator('D7').requests).toEqual([D7_IDS[0]]);
    expect(h.simulator('BETATEL').requests).toEqual([BT_IDS[0]]);
  });

  it('a missing or failing entity is null with an error for it alone; its neighbours resolve', async () => {
    const res = await viaGateway<{ outboundMessages: Outbound[] }>(STATUS_QUERY, { ids: EDGE_CASES.map((m) => m.id) });
    const items = res.data!.outboundMessages;
    expect(items.map((m) => m.id)).toEqual(EDGE_CASES.map((m) => m.id));
    expect(items[0]!.deliveryStatus).toMatchObject({ provider: 'D7', providerMessageId: D7_IDS[0] });
    expect(items[1]!.deliveryStatus).toBeNull();
    expect(items[2]!.deliveryStatus).toBeNull();
    expect(items[3]!.deliveryStatus).toMatchObject({ provider: 'BETATEL', providerMessageId: BT_IDS[0] });
    expect(items[4]!.deliveryStatus).toBeNull();
    // A missing entity, a provider failure and a malformed id each give one error,
    // pathed to that entity and carrying our code.
    expect(res.errors).toHaveLength(3);
    const errors = res.errors!.map((e) => ({ path: e.path, code: e.extensions?.code, service: e.extensions?.serviceName }));
    // Errors come in the order the lookups settled, not the order of the list.
    errors.sort((a, b) => Number(a.path?.[1]) - Number(b.path?.[1]));
    expect(errors).toEqual([
      { path: ['outboundMessages', 1, 'deliveryStatus'], code: 'NOT_FOUND', service: 'message-status' },
      { path: ['outboundMessages', 2, 'deliveryStatus'], code: 'UNAVAILABLE', service: 'message-status' },
      { path: ['outboundMessages', 4, 'deliveryStatus'], code: 'BAD_USER_INPUT', service: 'message-status' },
    ]);
    expect(entityRequests()).toHaveLength(1);
    // The malformed id never left the service.
    expect([...h.simulator('D7').requests].sort()).toEqual([D7_SANDBOX.notFound, D7_IDS[0]].sort());
    expect(h.simulator('BETATEL').requests).toEqual(expect.arrayContaining([BETATEL_SANDBOX.serverError, BT_IDS[0]]));
  });

  it('sends inline traces (ftv1) when the gateway asks, and only then', async () => {
    const asked = await viaGateway(STATUS_QUERY, { ids: ['ok-d7', 'ok-betatel'] }, { 'x-test-capture-traces': '1' });
    expect(asked.errors).toBeUndefined();
    expect(ourRequests).toHaveLength(1);
    expect(ourRequests[0]).toMatchObject({ includeTrace: 'ftv1', answeredFtv1: true });
    // The gateway decoded our trace into its query plan: the fetch to us carries our `_entities` field.
    const fetches: Trace.QueryPlanNode.IFetchNode[] = [];
    const walk = (node: Trace.IQueryPlanNode | null | undefined): void => {
      if (!node) return;
      if (node.fetch) fetches.push(node.fetch);
      node.sequence?.nodes?.forEach(walk);
      node.parallel?.nodes?.forEach(walk);
      walk(node.flatten?.node);
    };
    walk(lastPlanTrace);
    const ourFetch = fetches.find((f) => f.serviceName === 'message-status');
    expect(ourFetch?.traceParsingFailed).toBeFalsy();
    expect(ourFetch?.trace?.root?.child?.map((c) => c.responseName)).toEqual(['_entities']);

    ourRequests.length = 0;
    const notAsked = await viaGateway(STATUS_QUERY, { ids: ['ok-d7'] });
    expect(notAsked.errors).toBeUndefined();
    expect(ourRequests).toHaveLength(1);
    expect(ourRequests[0]).toMatchObject({ includeTrace: undefined, answeredFtv1: false });
  });

  it('the subgraph refuses requests without the router key; with it, phone numbers stay masked (the key has no pii:read)', async () => {
    const direct = await fetch(ours.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(direct.status).toBe(401);
    const res = await viaGateway<{ outboundMessages: { deliveryStatus: { messages: { recipient: string }[] } }[] }>(
      `query ($ids: [ID!]!) { outboundMessages(ids: $ids) { deliveryStatus { ... on D7Report { messages { recipient } } } } }`,
      { ids: ['ok-d7'] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.outboundMessages[0]!.deliveryStatus.messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
  });
});
