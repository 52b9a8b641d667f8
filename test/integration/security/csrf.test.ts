import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

/**
 * The CSRF rule, both ways: a request a browser could send cross-site without a preflight (a GET,
 * a form or text/plain POST) runs only when it carries something another site's page cannot add
 * without one: yoga's CSRF header, or one of our credentials. Everything goes through yoga.fetch.
 */
const ROUTER_KEY = 'csrf-test-router-key-0123456789abcdef';
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'message-status';
const QUERY = `{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }`;
const SUBSCRIPTION = 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ... on MessageStatus { state isFinal } } }';
const FINAL_REF = { refs: [{ provider: 'D7', id: D7_SANDBOX.example }] };

let jwks: Server;
let signingKey: CryptoKey;
let h: Harness;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  // Anonymous access on (the sandbox default): a credential-free GET would run if CSRF let it through.
  h = await startHarness({
    env: {
      CACHE_MAX_ENTRIES: '0',
      API_KEYS: `router:${ROUTER_KEY}:status:read`,
      JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    },
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});
beforeEach(() => h.resetCounts());

const bearer = async () =>
  `Bearer ${await new SignJWT({ scope: 'status:read' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('u1').setExpirationTime('5m').sign(signingKey)}`;

const getQuery = (headers: Record<string, string>) =>
  h.app.yoga.fetch(`http://test.local/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { accept: 'application/json', ...headers } });
/** The subscription as GraphiQL and Hive Gateway send it: a GET asking for an event stream. */
const getSubscription = (headers: Record<string, string>) =>
  h.app.yoga.fetch(`http://test.local/graphql?query=${encodeURIComponent(SUBSCRIPTION)}&variables=${encodeURIComponent(JSON.stringify(FINAL_REF))}`, {
    headers: { accept: 'text/event-stream', ...headers },
  });
const codesOf = async (res: Response) => ((await res.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.map((e) => e.extensions?.code);

describe('refused: what another site could make a visitor’s browser send', () => {
  it('a plain GET (no credential, no CSRF header) is a 403 CSRF_HEADER_MISSING naming what to send, and reaches no provider', async () => {
    const res = await getQuery({});
    expect(res.status).toBe(403);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['CSRF_HEADER_MISSING']);
    expect(body.errors[0]!.message).toMatch(/x-graphql-yoga-csrf or apollo-require-preflight, or a credential \(x-api-key or authorization: Bearer <token>\)/);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('a subscription GET without either is refused before it watches anything', async () => {
    const res = await getSubscription({});
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF_HEADER_MISSING');
    expect(h.app.watchers.size).toBe(0);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('a GET with HTTP Basic credentials is refused: a browser attaches those by itself, cross-site too', async () => {
    const res = await getQuery({ authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` });
    expect(res.status).toBe(403);
    expect(await codesOf(res)).toEqual(['CSRF_HEADER_MISSING']);
  });

  it('a form POST and a text/plain POST (in any case) without either are refused', async () => {
    const form = await h.post(`query=${encodeURIComponent(QUERY)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
    for (const type of ['text/plain', 'TEXT/PLAIN']) {
      const plain = await h.post(JSON.stringify({ query: QUERY }), { 'content-type': type });
      expect(plain.status, type).toBe(403);
      expect(await codesOf(plain)).toEqual(['CSRF_HEADER_MISSING']);
    }
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

describe('served: what only a preflighted or credentialed client sends', () => {
  it('a GET with x-graphql-yoga-csrf runs (anonymous)', async () => {
    const res = await getQuery({ 'x-graphql-yoga-csrf': '1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { d7Report: { state: expect.any(String) } } });
  });

  it('a GET with x-api-key and no CSRF header runs: a router with its own key needs nothing more', async () => {
    const res = await getQuery({ 'x-api-key': ROUTER_KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { d7Report: { state: expect.any(String) } } });
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
  });

  it('a GET with authorization: Bearer <jwt> and no CSRF header runs: a router forwarding the user token needs nothing more', async () => {
    const res = await getQuery({ authorization: await bearer() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { d7Report: { state: expect.any(String) } } });
  });

  it('a form POST with x-api-key runs', async () => {
    const res = await h.post(`query=${encodeURIComponent(QUERY)}`, { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': ROUTER_KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { d7Report: { state: expect.any(String) } } });
  });

  it('a wrong credential passes the CSRF check and is refused by authentication: 401, nothing upstream', async () => {
    const wrong: Record<string, string>[] = [{ 'x-api-key': 'not-a-configured-key-0123456789' }, { authorization: 'Bearer not.a.jwt' }];
    for (const headers of wrong) {
      const res = await getQuery(headers);
      expect(res.status).toBe(401);
      expect(await codesOf(res)).toEqual(['UNAUTHENTICATED']);
    }
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('a subscription GET over SSE with only the router key streams the record (what Hive Gateway sends)', async () => {
    const res = await getSubscription({ 'x-api-key': ROUTER_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toContain('"state":"READ"');
    expect(text).toContain('event: complete');
  });
});

describe('the GraphiQL page', () => {
  /** The headers the served page adds to every request it makes, read from the page itself. */
  async function pageHeaders(): Promise<Record<string, string>> {
    const html = await (await h.app.yoga.fetch('http://test.local/graphql', { headers: { accept: 'text/html' } })).text();
    const found = /"additionalHeaders":(\{[^}]*\})/.exec(html);
    expect(found, 'the page sets additionalHeaders').not.toBeNull();
    return JSON.parse(found![1]!) as Record<string, string>;
  }

  it('sends the CSRF header with every request: its anonymous subscription GET is served, the same GET without it is not', async () => {
    const headers = await pageHeaders();
    expect(Object.keys(headers)).toEqual(['x-graphql-yoga-csrf']);
    const res = await getSubscription(headers);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"state":"READ"');
    expect((await getSubscription({})).status).toBe(403);
  });
});
