import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

const ROUTER_KEY = 'router-key-0123456789abcdefghijklmn';
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'message-status';
const QUERY = `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename } }`;

let jwks: Server;
let jwksUrl: string;
let jwksRequests = 0;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let h: Harness;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwks = createServer((_req, res) => {
    jwksRequests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  h = await startHarness({
    env: {
      PROVIDER_MODE: 'sandbox',
      ALLOW_ANONYMOUS: 'false',
      // Tests count upstream requests: no cross-request cache between them.
      CACHE_MAX_ENTRIES: '0',
      API_KEYS: `router:${ROUTER_KEY}:status:read pii:read`,
      JWT_JWKS_URL: jwksUrl,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    },
  });
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => jwks.close(resolve));
});
beforeEach(() => h.resetCounts());

interface Claims {
  iss?: string;
  aud?: string;
  sub?: string;
  scope?: string | string[];
  exp?: number | string;
  nbf?: number;
  iat?: number;
  key?: CryptoKey;
  alg?: string;
  kid?: string;
}
async function token({ iss = ISSUER, aud = AUDIENCE, sub = 'user-1', scope = 'status:read', exp = '5m', nbf, iat, key = signingKey, kid = 'k1' }: Claims = {}) {
  const jwt = new SignJWT({ scope }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(iss).setAudience(aud).setSubject(sub).setIssuedAt(iat).setExpirationTime(exp);
  if (nbf !== undefined) jwt.setNotBefore(nbf);
  return jwt.sign(key);
}

async function ask(headers: Record<string, string>) {
  const res = await h.post(JSON.stringify({ query: QUERY }), headers);
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { res, body, code: body.errors?.[0]?.extensions?.code };
}

async function expectRefused(headers: Record<string, string>, message: RegExp) {
  const { res, body, code } = await ask(headers);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(code).toBe('UNAUTHENTICATED');
  expect(body.data).toBeUndefined();
  expect(body.errors![0]!.message).toMatch(message);
  expect(h.simulator('D7').requests).toEqual([]);
}

describe('API keys', () => {
  it('a configured key is accepted', async () => {
    const { res, body } = await ask({ 'x-api-key': ROUTER_KEY });
    expect(res.status).toBe(200);
    expect(body).toEqual({ data: { messageStatus: { __typename: 'D7Report' } } });
  });

  it('no credentials: 401 when anonymous access is off, before anything runs', async () => {
    await expectRefused({}, /authentication required/);
  });

  it('a wrong key, a prefix of the key, an empty key: 401', async () => {
    await expectRefused({ 'x-api-key': `${ROUTER_KEY}x` }, /invalid API key/);
    await expectRefused({ 'x-api-key': ROUTER_KEY.slice(0, -1) }, /invalid API key/);
    await expectRefused({ 'x-api-key': '' }, /invalid API key/);
  });

  it('both headers, or an authorization header that is not Bearer: 401', async () => {
    await expectRefused({ 'x-api-key': ROUTER_KEY, authorization: `Bearer ${await token()}` }, /not both/);
    await expectRefused({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /Bearer <token>/);
  });

  it('the 401 never echoes what was sent', async () => {
    const { body } = await ask({ 'x-api-key': 'a-guess-that-is-long-enough-to-be-a-key' });
    expect(JSON.stringify(body)).not.toContain('a-guess');
  });
});

describe('JWT (JWKS on loopback)', () => {
  it('a valid token is accepted; its scope claim decides what it sees', async () => {
    const ok = await ask({ authorization: `Bearer ${await token()}` });
    expect(ok.res.status).toBe(200);
    expect(ok.body).toEqual({ data: { messageStatus: { __typename: 'D7Report' } } });
    // Scopes as an array work too; without status:read the lookup is FORBIDDEN (authenticated, not authorized).
    const noStatus = await ask({ authorization: `Bearer ${await token({ scope: ['pii:read'] })}` });
    expect(noStatus.res.status).toBe(200);
    expect(noStatus.code).toBe('FORBIDDEN');
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it.each([
    // The claim that failed is named (what an integrator needs), the token never quoted.
    ['wrong issuer', { iss: 'https://evil.test/' }, /^invalid bearer token: the "iss" claim does not match the configured JWT_ISSUER \(ERR_JWT_CLAIM_VALIDATION_FAILED\)$/],
    ['wrong audience', { aud: 'another-service' }, /^invalid bearer token: the "aud" claim does not match the configured JWT_AUDIENCE \(ERR_JWT_CLAIM_VALIDATION_FAILED\)$/],
    ['expired', { exp: Math.floor(Date.now() / 1000) - 3600 }, /^invalid bearer token: the "exp" claim says the token has expired \(ERR_JWT_EXPIRED\)$/],
    ['not valid yet', { nbf: Math.floor(Date.now() / 1000) + 3600 }, /^invalid bearer token: the "nbf" claim says the token is not valid yet \(ERR_JWT_CLAIM_VALIDATION_FAILED\)$/],
    ['signed by another key', { key: undefined as unknown as CryptoKey, kid: 'k1' }, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
    ['unknown kid', { kid: 'nope' }, /ERR_JWKS_NO_MATCHING_KEY/],
  ])('%s: 401', async (_name, claims, message) => {
    const c: Claims = { ...claims };
    if ('key' in claims) c.key = otherKey;
    await expectRefused({ authorization: `Bearer ${await token(c)}` }, message);
  });

  describe('clock skew: JWT_CLOCK_TOLERANCE_S (default 60 s) either way, no more', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ['issued 30 s in the future', () => ({ iat: now() + 30 })],
      ['valid from 30 s in the future', () => ({ nbf: now() + 30 })],
      ['expired 30 s ago', () => ({ iat: now() - 600, exp: now() - 30 })],
    ])('%s: accepted', async (_name, claims) => {
      const { res, body } = await ask({ authorization: `Bearer ${await token(claims())}` });
      expect(res.status).toBe(200);
      expect(body).toEqual({ data: { messageStatus: { __typename: 'D7Report' } } });
    });

    it.each([
      ['issued 120 s in the future', () => ({ iat: now() + 120 }), /^invalid bearer token: the "iat" claim says the token was issued in the future \(ERR_JWT_CLAIM_VALIDATION_FAILED\)$/],
      ['issued a day in the future', () => ({ iat: now() + 86_400, exp: now() + 90_000 }), /the "iat" claim says the token was issued in the future/],
      ['valid from 120 s in the future', () => ({ nbf: now() + 120 }), /the "nbf" claim says the token is not valid yet/],
      ['expired 120 s ago', () => ({ iat: now() - 600, exp: now() - 120 }), /the "exp" claim says the token has expired/],
    ])('%s: 401', async (_name, claims, message) => {
      await expectRefused({ authorization: `Bearer ${await token(claims())}` }, message);
    });
  });

  it('garbage and alg=none tokens: 401', async () => {
    await expectRefused({ authorization: 'Bearer not.a.jwt' }, /invalid bearer token/);
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', scope: 'status:read', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    await expectRefused({ authorization: `Bearer ${header}.${payload}.` }, /invalid bearer token/);
  });
});

describe('JWKS unavailable', () => {
  it('is a 503 AUTHENTICATION_UNAVAILABLE, not a 401 that would make clients drop a good token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise((resolve) => closed.close(resolve));
    const dead = await startHarness({ env: { JWT_JWKS_URL: deadUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
    try {
      const res = await dead.post(JSON.stringify({ query: QUERY }), { authorization: `Bearer ${await token()}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('AUTHENTICATION_UNAVAILABLE');
      expect(dead.simulator('D7').requests).toEqual([]);
    } finally {
      await dead.close();
    }
  });
});

describe('configuration', () => {
  it('sandbox allows anonymous with status:read by default; live refuses unless ALLOW_ANONYMOUS=true', () => {
    expect([...loadConfig({}, providers).security.anonymousScopes!]).toEqual(['status:read']);
    expect(loadConfig({ PROVIDER_MODE: 'live' }, providers).security.anonymousScopes).toBeUndefined();
    expect([...loadConfig({ PROVIDER_MODE: 'live', ALLOW_ANONYMOUS: 'true', ANONYMOUS_SCOPES: 'status:read,pii:read' }, providers).security.anonymousScopes!]).toEqual(['status:read', 'pii:read']);
    expect(loadConfig({ ALLOW_ANONYMOUS: 'false' }, providers).security.anonymousScopes).toBeUndefined();
  });

  it('reports JWT settings that do not go together, bad scopes and bad keys at once; API keys are secrets', () => {
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.test/jwks', ANONYMOUS_SCOPES: 'admin', API_KEYS: 'a:short:status:read', ALLOW_ANONYMOUS: 'maybe' }, providers)).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/JWT_ISSUER, JWT_AUDIENCE missing/),
          expect.stringMatching(/ANONYMOUS_SCOPES: unknown scope\(s\) admin/),
          expect.stringMatching(/API_KEYS entry 1 \(a\): the key must be/),
          expect.stringMatching(/^ALLOW_ANONYMOUS:/),
        ]),
      }),
    );
    expect(loadConfig({ API_KEYS: `r:${ROUTER_KEY}:status:read` }, providers).secrets).toContain(ROUTER_KEY);
  });

  it('JWT_CLOCK_TOLERANCE_S: 60 s unless set, 0 to 600', () => {
    const jwt = { JWT_JWKS_URL: 'https://idp.test/jwks', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    expect(loadConfig(jwt, providers).security.jwt?.clockToleranceS).toBe(60);
    expect(loadConfig({ ...jwt, JWT_CLOCK_TOLERANCE_S: '0' }, providers).security.jwt?.clockToleranceS).toBe(0);
    for (const bad of ['-1', '601', 'a minute']) {
      expect(() => loadConfig({ ...jwt, JWT_CLOCK_TOLERANCE_S: bad }, providers)).toThrow(expect.objectContaining({ problems: [expect.stringMatching(/^JWT_CLOCK_TOLERANCE_S:/)] }));
    }
  });
});
