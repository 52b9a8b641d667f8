import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayConfigSupergraph, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { composeSupergraph } from './compose.js';
import { listen, type RunningSubgraph } from './outbound-subgraph.js';

/**
 * A Hive Gateway runtime from one of examples/gateway/hive-gateway/ as it is written. Only the
 * supergraph differs: the example names the file a user composes, here it is composed from the
 * loopback subgraphs' URLs. Logging is off in tests.
 */
export async function startHiveGateway(example: GatewayConfigSupergraph, urls: { messageStatus: string; outbound: string }): Promise<RunningSubgraph & { runtime: GatewayRuntime }> {
  const composed = composeSupergraph(urls, undefined, 'guild');
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.join('; ')}`);
  const runtime = createGatewayRuntime({ ...example, supergraph: composed.supergraphSdl, logging: false });
  const running = await listen(createServer(runtime), '/graphql');
  return {
    ...running,
    runtime,
    async close() {
      await running.close();
      await runtime.dispose();
    },
  };
}

export const ISSUER = 'https://idp.test/';
export const AUDIENCE = 'message-status';

/** An identity provider on loopback: a JWKS and tokens signed with its key, for the forward-token examples. */
export async function startIdentityProvider(): Promise<RunningSubgraph & { token(scope: string): Promise<string> }> {
  const pair = await generateKeyPair('RS256');
  const key: CryptoKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256' };
  const jwks = await listen(
    createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))),
    '/jwks.json',
  );
  return {
    ...jwks,
    token: (scope) =>
      new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('u1').setExpirationTime('5m').sign(key),
  };
}
