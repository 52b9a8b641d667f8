import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { BETATEL_SANDBOX, BETATEL_SANDBOX_CREDENTIALS } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX, D7_SANDBOX_CREDENTIALS } from '../../../src/providers/d7/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { providers } from '../../../src/providers/registry.js';

// Configured secrets, each unique enough that any appearance is a leak.
const SENTINELS = {
  apiKey: 'SENTINEL-apikey-4f1d9c0e8b7a6d5c',
  d7Token: 'SENTINEL-d7token-91e2b3c4d5f6a7b8',
  betatelKey: 'SENTINEL-betatelkey-0a1b2c3d4e5f',
  betatelAccount: 'SENTINEL-account-77aa88bb',
};
const sentinelValues = Object.values(SENTINELS);

let sandbox: Sandbox;
let proxy: Server;
let app: App;
const lines: string[] = [];
const responses: string[] = [];

/**
 * Stands between the app and the simulators: swaps the sentinel credentials for the sandbox
 * ones, so the sentinels are what the app holds and every documented error path is reachable.
 */
async function startProxy(): Promise<string> {
  proxy = createServer(async (req, res) => {
    const target = req.url!.startsWith('/d7') ? sandbox.simulators.D7!.url : sandbox.simulators.BETATEL!.url;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
    if (headers.authorization === `Bearer ${SENTINELS.d7Token}`) headers.authorization = `Bearer ${D7_SANDBOX_CREDENTIALS.token}`;
    if (headers['x-api-key'] === SENTINELS.betatelKey) headers['x-api-key'] = BETATEL_SANDBOX_CREDENTIALS.apiKey;
    if (headers['x-account-id'] === SENTINELS.betatelAccount) headers['x-account-id'] = BETATEL_SANDBOX_CREDENTIALS.accountId;
    try {
      const upstream = await fetch(`${target}${req.url!.replace(/^\/(d7|betatel)/, '')}`, { headers });
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      // The app gave up first (the slow id): nobody is listening any more.
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  sandbox = await startSandbox({ slowMs: 1_000 });
  const base = await startProxy();
  // Dev mode would put stack traces into masked errors; live mode must not, even so.
  vi.stubEnv('NODE_ENV', 'development');
  const config = loadConfig({
    LOG_LEVEL: 'trace',
    D7_API_TOKEN: SENTINELS.d7Token,
    D7_BASE_URL: `${base}/d7`,
    BETATEL_API_KEY: SENTINELS.betatelKey,
    BETATEL_ACCOUNT_ID: SENTINELS.betatelAccount,
    BETATEL_BASE_URL: `${base}/betatel`,
    API_KEYS: `ops:${SENTINELS.apiKey}:status:read pii:read content:read`,
    UPSTREAM_TIMEOUT_MS: '300',
  }, providers);
  expect(config.mode).toBe('live');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  app = createApp(config, { logger: createLogger({ level: 'trace', secrets: config.secrets, destination: sink }) });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await app.close();
  await new Promise((resolve) => proxy.close(resolve));
  await sandbox.close();
});

async function send(body: string, headers: Record<string, string> = {}) {
  const res = await app.yoga.fetch('http://test.local/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': SENTINELS.apiKey, ...headers }, body });
  const text = await res.text();
  responses.push(`${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${text}`);
  return { status: res.status, text };
}
const lookups = (provider: 'D7' | 'BETATEL', ids: readonly string[]) =>
  JSON.stringify({
    query: `query ($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename ... on LookupError { message } ... on ProviderError { code httpStatus } ... on BetatelWdr { to text } ... on D7Report { messages { recipient } } } }`,
    variables: { refs: ids.map((id) => ({ provider, id })) },
  });

describe('configured secrets never appear in a log line or a response', () => {
  it('drives the error paths', async () => {
    const d7 = Object.values(D7_SANDBOX).filter((id) => id !== D7_SANDBOX.slow);
    const bt = Object.values(BETATEL_SANDBOX).filter((id) => id !== BETATEL_SANDBOX.slow);
    const ok = await send(lookups('D7', [...d7, D7_SANDBOX.slow]));
    expect(ok.text).toContain('UNAUTHORIZED');
    expect(ok.text).toContain('TIMEOUT');
    expect(ok.text).toContain('BAD_RESPONSE');
    expect(ok.text).toContain('D7Report');
    expect((await send(lookups('BETATEL', bt))).text).toContain('RATE_LIMITED');
    for (const [field, id] of [['d7Report(requestId', D7_SANDBOX.unauthorized], ['betatelWdr(uuid', BETATEL_SANDBOX.serverError], ['d7Report(requestId', D7_SANDBOX.malformedJson]]) {
      expect((await send(JSON.stringify({ query: `{ ${field}: "${id}") { __typename } }` }))).text).toMatch(/"code":"(UNAUTHORIZED|UNAVAILABLE|BAD_RESPONSE)"/);
    }
    // Bad client credentials: a wrong key (the real one with a suffix), a bearer token nobody accepts, both at once.
    expect((await send('{"query":"{ __typename }"}', { 'x-api-key': `${SENTINELS.apiKey}x` })).status).toBe(401);
    expect((await send('{"query":"{ __typename }"}', { 'x-api-key': '', authorization: `Bearer ${SENTINELS.d7Token}` })).status).toBe(401);
    // Malformed input, invalid ids, an invalid document.
    // No accept header here (application/json): still a 400.
    expect((await send(`{"query": "{ __typename }", "x": "${SENTINELS.apiKey}"`)).status).toBe(400);
    expect((await send(lookups('D7', ['../etc/passwd', 'x'.repeat(10_000)]))).text).toContain('InvalidMessageId');
    expect((await send(JSON.stringify({ query: `{ nope(x: "${SENTINELS.betatelKey.slice(0, 4)}") }` }))).text).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('an unexpected error is masked: no message, no stack, even with NODE_ENV=development', async () => {
    const original = app.service.lookup.bind(app.service);
    app.service.lookup = () => Promise.reject(new Error(`boom with ${SENTINELS.d7Token} at /secret/path.ts:1:2`));
    try {
      const res = await send(lookups('D7', ['11111111-1111-4111-8111-111111111111']));
      expect(res.text).toContain('INTERNAL_SERVER_ERROR');
      expect(res.text).toContain('Unexpected error.');
      expect(res.text).not.toMatch(/boom|stack|secret\/path|originalError/);
    } finally {
      app.service.lookup = original;
    }
  });

  it('no sentinel in any log line or response', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(responses.length).toBeGreaterThan(8);
    // The logger did see the unexpected error (scrubbed), so the check covers error logging.
    expect(lines.some((l) => l.includes('boom with [redacted]'))).toBe(true);
    for (const secret of sentinelValues) {
      for (const line of lines) expect(line, 'log line').not.toContain(secret);
      for (const response of responses) expect(response, 'response').not.toContain(secret);
    }
  });
});
