import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatewayConfig as forwardToken } from '../../examples/gateway/hive-gateway/forward-token/gateway.config.js';
import { gatewayConfig as routerKey } from '../../examples/gateway/hive-gateway/router-key/gateway.config.js';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { AUDIENCE, ISSUER, startHiveGateway, startIdentityProvider } from './hive-gateway.js';
import { D7_IDS, startOutboundSubgraph, TWENTY, type RunningSubgraph } from './outbound-subgraph.js';
import { startRecordingSubgraph, type SubgraphCall } from './recording-subgraph.js';

/**
 * Queries through Hive Gateway configured by the files a user copies (examples/gateway/hive-gateway/),
 * over the composed supergraph, with this subgraph in live mode's posture: no anonymous access.
 */
const ROUTER_KEY = 'hive-example-router-key-0123456789abcdef';

let h: Harness;
let idp: RunningSubgraph & { token(scope: string): Promise<string> };
let ours: RunningSubgraph & { calls: SubgraphCall[] };
let outbound: RunningSubgraph;
let keyed: RunningSubgraph;
let forwarding: RunningSubgraph;
let open: Harness;
let openOurs: RunningSubgraph & { calls: SubgraphCall[] };
let openForwarding: RunningSubgraph;
/** The authorization header of each request the outbound subgraph got. */
const outboundAuthorization: (string | undefined)[] = [];

beforeAll(async () => {
  // The router-key example reads its key from the gateway's environment.
  vi.stubEnv('MESSAGE_STATUS_API_KEY', ROUTER_KEY);
  idp = await startIdentityProvider();
  h = await startHarness({
    env: {
      ALLOW_ANONYMOUS: 'false',
      API_KEYS: `router:${ROUTER_KEY}:status:read`,
      JWT_JWKS_URL: idp.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      // Upstream lookups are counted per query: no cross-request cache between the tests.
      CACHE_MAX_ENTRIES: '0',
    },
  });
  ours = await startRecordingSubgraph(h);
  outbound = await startOutboundSubgraph([...TWENTY, { id: 'm1', provider: 'D7', providerMessageId: D7_IDS[0]! }], (req) => outboundAuthorization.push(req.headers.authorization));
  keyed = await startHiveGateway(routerKey, { messageStatus: ours.url, outbound: outbound.url });
  forwarding = await startHiveGateway(forwardToken, { messageStatus: ours.url, outbound: outbound.url });
  // The same example in front of a service that lets anonymous callers in (the sandbox's posture).
  open = await startHarness({ env: { ALLOW_ANONYMOUS: 'true', ANONYMOUS_SCOPES: 'status:read', JWT_JWKS_URL: idp.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
  openOurs = await startRecordingSubgraph(open);
  openForwarding = await startHiveGateway(forwardToken, { messageStatus: openOurs.url, outbound: outbound.url });
});
afterAll(async () => {
  await openForwarding?.close();
  await openOurs?.close();
  await open?.close();
  await keyed?.close();
  await forwarding?.close();
  await outbound?.close();
  await ours?.close();
  await h?.close();
  await idp?.close();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  h.resetCounts();
  ours.calls.length = 0;
  outboundAuthorization.length = 0;
});

interface Answer<T> {
  data?: T;
  errors?: GraphQLFormattedError[];
}
async function query<T>(gateway: RunningSubgraph, text: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: text, variables }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer<T>;
}

interface Status {
  __typename: string;
  id: string;
  provider: string;
  providerMessageId: string;
  state: string;
}
const STATUS_QUERY = `query ($ids: [ID!]!) {
  outboundMessages(ids: $ids) { id deliveryStatus { __typename id provider providerMessageId state ... on D7Report { requestId } ... on BetatelWdr { uuid } } }
}`;
const RECIPIENT_QUERY = '{ outboundMessages(ids: ["m1"]) { deliveryStatus { state ... on D7Report { messages { recipient } } } } }';

describe('the router-key example (examples/gateway/hive-gateway/router-key/gateway.config.ts)', () => {
  it('20 outbound messages naming 7 provider ids: one _entities request carrying the key, 7 upstream lookups, concrete types resolved', async () => {
    const res = await query<{ outboundMessages: { id: string; deliveryStatus: Status & { requestId?: string; uuid?: string } }[] }>(keyed, STATUS_QUERY, { ids: TWENTY.map((m) => m.id) });
    expect(res.errors).toBeUndefined();
    res.data!.outboundMessages.forEach((item, i) => {
      const sent = TWENTY[i]!;
      const type = sent.provider === 'D7' ? 'D7Report' : 'BetatelWdr';
      expect(item.id).toBe(sent.id);
      expect(item.deliveryStatus).toMatchObject({ __typename: type, id: encodeGlobalId(type, sent.providerMessageId), providerMessageId: sent.providerMessageId });
      expect(item.deliveryStatus[sent.provider === 'D7' ? 'requestId' : 'uuid']).toBe(sent.providerMessageId);
    });

    expect(ours.calls).toHaveLength(1);
    expect(ours.calls[0]!.query).toContain('_entities');
    // Hive Gateway sends each distinct reference once.
    expect(ours.calls[0]!.representations).toBe(7);
    expect(ours.calls[0]!.headers['x-api-key']).toBe(ROUTER_KEY);
    expect(ours.calls[0]!.headers.authorization).toBeUndefined();
    expect(h.simulator('D7').requests.length + h.simulator('BETATEL').requests.length).toBe(7);
  });

  it('every user sees what the key allows, whatever token they send: numbers masked (the key has no pii:read)', async () => {
    const res = await query<{ outboundMessages: { deliveryStatus: { messages: { recipient: string }[] } }[] }>(keyed, RECIPIENT_QUERY, {}, {
      authorization: `Bearer ${await idp.token('status:read pii:read')}`,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.outboundMessages[0]!.deliveryStatus.messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
    expect(ours.calls.every((c) => c.headers.authorization === undefined)).toBe(true);
  });
});

describe('the forward-token example (examples/gateway/hive-gateway/forward-token/gateway.config.ts)', () => {
  it("forwards the user's token to this subgraph only: pii:read shows the number in clear, without it masked", async () => {
    const clearToken = `Bearer ${await idp.token('status:read pii:read')}`;
    const clear = await query<{ outboundMessages: { deliveryStatus: { messages: { recipient: string }[] } }[] }>(forwarding, RECIPIENT_QUERY, {}, { authorization: clearToken });
    expect(clear.errors).toBeUndefined();
    expect(clear.data!.outboundMessages[0]!.deliveryStatus.messages[0]!.recipient).toMatch(/^\+91906\d{7}$/);
    expect(ours.calls.map((c) => c.headers.authorization)).toEqual([clearToken]);
    // The token is for this service (its audience): the outbound subgraph does not get it.
    expect(outboundAuthorization).toEqual([undefined]);

    const masked = await query<{ outboundMessages: { deliveryStatus: { messages: { recipient: string }[] } }[] }>(forwarding, RECIPIENT_QUERY, {}, {
      authorization: `Bearer ${await idp.token('status:read')}`,
    });
    expect(masked.data!.outboundMessages[0]!.deliveryStatus.messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
  });

  it('a caller without a token, anonymous access off: no authorization header reaches the subgraph, which answers 401 "authentication required"; nothing upstream', async () => {
    const res = await query<{ outboundMessages: { deliveryStatus: unknown }[] }>(forwarding, RECIPIENT_QUERY, {});
    expect(ours.calls).toHaveLength(1);
    expect(ours.calls[0]!.headers).not.toHaveProperty('authorization');
    // Not the 'must be "Bearer <token>"' that an empty forwarded header used to earn.
    expect(ours.calls[0]).toMatchObject({ status: 401, answer: expect.stringContaining('authentication required: send x-api-key or authorization: Bearer <token>') });
    // Hive Gateway leaves the reference null and, for a request-level subgraph error on an
    // entity fetch, reports no error to the client (it has no path to pin it to).
    expect(res.data?.outboundMessages[0]?.deliveryStatus ?? null).toBeNull();
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('a caller without a token, anonymous access on: served as anonymous (numbers masked), no error', async () => {
    const res = await query<{ outboundMessages: { deliveryStatus: { state: string; messages: { recipient: string }[] } }[] }>(openForwarding, RECIPIENT_QUERY, {});
    expect(res.errors).toBeUndefined();
    expect(res.data!.outboundMessages[0]!.deliveryStatus.messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
    expect(openOurs.calls.at(-1)!.headers).not.toHaveProperty('authorization');
  });
});
