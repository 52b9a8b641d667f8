import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const keyOf = (name: string) => `${name}-key-0123456789abcdefghijkl`;
const LOOKUP = `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename } }`;

describe('rate limit per client (RATE_LIMIT_PER_MINUTE=3)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '3', API_KEYS: `a:${keyOf('a')}:status:read,b:${keyOf('b')}:status:read` } });
  });
  afterAll(() => h.close());

  it('the 4th request in a minute is 429 RATE_LIMITED with Retry-After, before any lookup; another client is unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await h.post(JSON.stringify({ query: LOOKUP }), { 'x-api-key': keyOf('a') })).status).toBe(200);
    h.resetCounts();
    const limited = await h.post(JSON.stringify({ query: LOOKUP }), { 'x-api-key': keyOf('a') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: Number(limited.headers.get('retry-after')) });
    expect(body.errors[0]!.message).toMatch(/rate limit of 3 requests per minute/);
    expect(h.simulator('D7').requests).toEqual([]);
    expect((await h.post(JSON.stringify({ query: LOOKUP }), { 'x-api-key': keyOf('b') })).status).toBe(200);
  });

  it('failed authentication attempts are limited per address too: guessing keys gets 429', async () => {
    const guess = (i: number) => h.post(JSON.stringify({ query: '{ __typename }' }), { 'x-api-key': `guess-${i}-0123456789abcdefghijklmn` });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await guess(i)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The right key still works: its bucket is its own.
    expect((await h.post(JSON.stringify({ query: '{ __typename }' }), { 'x-api-key': keyOf('b') })).status).toBe(200);
  });

  it('anonymous callers are limited per client IP', async () => {
    const server = createServer(h.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const overHttp = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await overHttp()).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // yoga.fetch has no socket, so no address: a different bucket from 127.0.0.1's.
      expect((await h.post(JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('/health, /ready and /metrics are not rate limited or authenticated', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await h.get('/health')).status).toBe(200);
      expect((await h.get('/metrics')).status).toBe(200);
    }
  });
});

describe('live mode defaults: no introspection, no GraphiQL, no field suggestions', () => {
  let live: Harness;
  let sandbox: Harness;
  let liveWithIntrospection: Harness;
  beforeAll(async () => {
    live = await startHarness({ env: { PROVIDER_MODE: 'live', ALLOW_ANONYMOUS: 'true' } });
    liveWithIntrospection = await startHarness({ env: { PROVIDER_MODE: 'live', ALLOW_ANONYMOUS: 'true', INTROSPECTION: 'true', GRAPHIQL: 'true' } });
    sandbox = await startHarness();
  });
  afterAll(async () => {
    await live.close();
    await liveWithIntrospection.close();
    await sandbox.close();
  });

  it('introspection is refused in live mode, allowed in sandbox and when INTROSPECTION=true; _service always works', async () => {
    const refused = await live.query('{ __schema { queryType { name } } }');
    expect(refused.status).toBe(400);
    expect(refused.errors!.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    expect((await live.query('{ __type(name: "Query") { name } }')).errors![0]!.extensions?.code).toBe('INTROSPECTION_DISABLED');
    expect((await live.query<{ _service: { sdl: string } }>('{ __typename _service { sdl } }')).data!._service.sdl).toContain('type Query');
    expect((await sandbox.query('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await liveWithIntrospection.query('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('GraphiQL is served in sandbox and with GRAPHIQL=true, not by default in live mode', async () => {
    const page = async (h: Harness) => (await h.get('/graphql', { accept: 'text/html' })).headers.get('content-type') ?? '';
    expect(await page(sandbox)).toMatch(/text\/html/);
    expect(await page(liveWithIntrospection)).toMatch(/text\/html/);
    expect(await page(live)).not.toMatch(/text\/html/);
  });

  it('validation errors suggest field names in sandbox only', async () => {
    const suggested = await sandbox.query('{ messageStatu }');
    expect(suggested.errors![0]!.message).toMatch(/Did you mean/);
    const blocked = await live.query('{ messageStatu }');
    expect(blocked.status).toBe(400);
    expect(JSON.stringify(blocked.errors)).not.toMatch(/Did you mean|messageStatus"/);
  });

  it('enum values are not suggested in live mode either, in the document or in variables; sandbox keeps them', async () => {
    const literal = '{ messageStatus(provider: D8, id: "x") { __typename } }';
    const variable = 'query ($p: Provider!) { messageStatus(provider: $p, id: "x") { __typename } }';
    const suggested = await sandbox.query(literal);
    expect(suggested.errors![0]!.message).toMatch(/Did you mean the enum value "D7"\?/);
    expect((await sandbox.query(variable, { p: 'D8' })).errors![0]!.message).toMatch(/Did you mean the enum value "D7"\?/);
    for (const blocked of [await live.query(literal), await live.query(variable, { p: 'D8' })]) {
      expect(blocked.status).toBe(400);
      expect(blocked.errors!.length).toBeGreaterThan(0);
      expect(JSON.stringify(blocked.errors)).not.toMatch(/Did you mean|"D7"/);
      expect(blocked.errors![0]!.message).toMatch(/D8/);
    }
    // And the service still answers.
    expect((await live.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('CSRF and CORS', () => {
  let h: Harness;
  let open: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
    open = await startHarness();
  });
  afterAll(async () => {
    await h.close();
    await open.close();
  });

  it('a GET query without a preflight header is refused (403); with x-graphql-yoga-csrf it runs', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const refused = await h.get(url);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/CSRF/);
    const allowed = await h.get(url, { 'x-graphql-yoga-csrf': '1' });
    expect(allowed.status).toBe(200);
  });

  it('a form POST (a "simple" cross-site request) is refused', async () => {
    const res = await h.post('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(403);
  });

  it('CORS answers allowed origins only', async () => {
    const preflight = (app: Harness, origin: string) =>
      Promise.resolve(
        app.app.yoga.fetch('http://test.local/graphql', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
        }),
      );
    const allowed = await preflight(h, 'https://admin.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-api-key/);
    const other = await preflight(h, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    // No CORS_ORIGINS: no cross-origin access at all.
    const none = await preflight(open, 'https://evil.example');
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});
