import { createServer } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { composeSupergraph } from './compose.js';
import { listen, startOutboundSubgraph, type RunningSubgraph } from './outbound-subgraph.js';
import { loadRouterExample, ROUTER_YAML } from './router-yaml.js';

// The other way a router can authenticate (docs/federation.md, "Routers"): it forwards each user's JWT,
// so each user sees what their own token's scopes allow.
const ISSUER = 'https://idp.test/';
const AUDIENCE = 'message-status';
const D7_ID = '11111111-1111-4111-8111-111111111111';

let h: Harness;
let jwks: RunningSubgraph;
let ours: RunningSubgraph;
let outbound: RunningSubgraph;
let gateway: ApolloServer<{ headers: Headers }>;
let gatewayUrl: string;
let key: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256' };
  jwks = await listen(
    createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))),
    '/jwks.json',
  );
  h = await startHarness({ env: { ALLOW_ANONYMOUS: 'false', JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
  ours = await listen(createServer(h.app.yoga), '/graphql');
  outbound = await startOutboundSubgraph([{ id: 'm1', provider: 'D7', providerMessageId: D7_ID }]);
  const composed = composeSupergraph({ messageStatus: ours.url, outbound: outbound.url });
  if (!composed.ok) throw new Error(composed.errors.join('; '));
  // The header rules of the Apollo Router example (examples/gateway/apollo-router/forward-token.yaml),
  // applied per subgraph to each client request's headers, as the router applies them.
  const router = loadRouterExample(ROUTER_YAML.forwardToken);
  const buildService = ({ name, url }: { name: string; url?: string }) =>
    new RemoteGraphQLDataSource<{ headers: Headers }>({
      url,
      willSendRequest({ request, context }) {
        router.headersFor(name, context.headers).forEach((value, header) => request.http?.headers.set(header, value));
      },
    });
  gateway = new ApolloServer<{ headers: Headers }>({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService }) });
  ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ headers: new Headers(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string')) }),
  }));
});
afterAll(async () => {
  await gateway?.stop();
  await outbound?.close();
  await ours?.close();
  await jwks?.close();
  await h?.close();
});

const token = (scope: string) =>
  new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('u1').setExpirationTime('5m').sign(key);

async function viaGateway(authorization?: string) {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify({ query: '{ outboundMessages(ids: ["m1"]) { deliveryStatus { state ... on D7Report { messages { recipient } } } } }' }),
  });
  return (await res.json()) as { data?: { outboundMessages: { deliveryStatus: { state: string; messages: { recipient: string }[] } | null }[] }; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('a gateway forwarding the user token', () => {
  it('pii:read in the token: the number in clear; without it: masked', async () => {
    const clear = await viaGateway(`Bearer ${await token('status:read pii:read')}`);
    expect(clear.errors).toBeUndefined();
    expect(clear.data!.outboundMessages[0]!.deliveryStatus!.messages[0]!.recipient).toMatch(/^\+91906\d{7}$/);
    const masked = await viaGateway(`Bearer ${await token('status:read')}`);
    expect(masked.data!.outboundMessages[0]!.deliveryStatus!.messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
  });

  it('no token: no header is forwarded, the subgraph answers 401 "authentication required", and the reference is null with that error', async () => {
    h.resetCounts();
    const res = await viaGateway();
    expect(res.data?.outboundMessages[0]?.deliveryStatus ?? null).toBeNull();
    // Apollo's gateway reports the 401 and carries our answer's body in extensions.response.
    expect(JSON.stringify(res.errors)).toMatch(/authentication required: send x-api-key or authorization: Bearer <token>/);
    expect(h.simulator('D7').requests).toEqual([]);
  });
});
