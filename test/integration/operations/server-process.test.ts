import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { subscribeWs, wsClient } from '../../helpers/live.js';

/**
 * The real entry point, run by node itself with tsx as a loader: the tsx CLI
 * relays signals to its own child with a 30 ms handshake that fails under load.
 */
const MAIN = new URL('../../../src/main.ts', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(D7_|BETATEL_|PROVIDER_MODE)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...clean, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SLOW_D7 = '00000000-0000-4000-8000-000000000408';

async function waitUntilMetric(url: string, name: string, atLeast: number): Promise<void> {
  const pattern = new RegExp(`^${name} (\\S+)$`, 'm');
  for (;;) {
    const value = Number(pattern.exec(await (await fetch(url)).text())?.[1] ?? 0);
    if (value >= atLeast) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill('SIGKILL');
  running = undefined;
});

describe('the server process', () => {
  it('starts in sandbox mode with no credentials, says so, serves GraphQL and GraphiQL, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const proc = start({ PORT: String(port), HOST: '127.0.0.1' });
    running = proc.child;
    await waitFor(() => proc.output().includes('/graphql'), 15_000);
    expect(proc.output()).toMatch(/SANDBOX MODE/);

    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ messageStatus(provider: BETATEL, id: "01JV5V54KPYK9GB29265EQRZ2P") { ... on BetatelWdr { status } } }' }),
    });
    expect(await res.json()).toEqual({ data: { messageStatus: { status: 'DELIVERED' } } });

    const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/GraphiQL|graphiql/);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s mid-request: stops accepting, finishes the request, exits 0', async (signal) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const proc = start({ PORT: String(port), HOST: '127.0.0.1', SANDBOX_SLOW_MS: '2000', SHUTDOWN_GRACE_MS: '15000' });
    running = proc.child;
    await waitFor(() => proc.output().includes('GraphiQL'), 15_000);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const slow = fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ d7Report(requestId: "${SLOW_D7}") { requestId messages { status } } }` }),
    });
    // Signal only once the request is inside the server (the simulator holds it for 2 s).
    await waitUntilMetric(`${base}/metrics`, 'graphql_requests_in_flight', 1);
    proc.child.kill(signal);
    await waitFor(() => proc.output().includes('shutting down'), 5_000);
    // A request on a socket kept alive from before is answered, not reset, and closes it;
    // once the idle sockets are closed (a moment later), new connections are refused.
    const outcome = (r: Promise<Response>) => r.then((res) => `${res.status} ${res.headers.get('connection')}`, () => 'refused');
    expect(['refused', '503 close']).toContain(await outcome(fetch(`${base}/ready`)));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await outcome(fetch(`${base}/ready`))).toBe('refused');

    const res = await slow;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { d7Report: { requestId: string; messages: unknown[] } } };
    expect(body.data.d7Report.requestId).toBe(SLOW_D7);
    expect(body.data.d7Report.messages.length).toBeGreaterThan(0);
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/"drained":true/);
  });

  it('on SIGTERM, graphql-ws subscriptions get complete before their sockets close, as SSE ones do', async () => {
    const port = await freePort();
    const proc = start({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '15000' });
    running = proc.child;
    await waitFor(() => proc.output().includes('GraphiQL'), 15_000);
    const sockets = Array.from({ length: 4 }, () => wsClient(`ws://127.0.0.1:${port}/graphql`));
    const subs = sockets.flatMap(({ client }, s) =>
      Array.from({ length: 5 }, (_, i) => subscribeWs(client, { refs: [{ provider: 'BETATEL', id: `01KJ00000000000000000S${s}0${i}0` }] })),
    );
    for (const sub of subs) await sub.waitFor(1);
    proc.child.kill('SIGTERM');
    await Promise.all(subs.map((sub) => sub.ended));
    // Ended by `complete`: an error (the socket closing under it, 1001) would be pushed as one.
    for (const sub of subs) expect(sub.results.filter((r) => r.errors)).toEqual([]);
    expect(await proc.exited).toBe(0);
    for (const { client } of sockets) await Promise.resolve(client.dispose()).catch(() => undefined);
  });

  it('prints one banner with the mode, each provider, GraphiQL, the webhook URLs, Redis and auth', async () => {
    const port = await freePort();
    const sandbox = start({ PORT: String(port), HOST: '127.0.0.1' });
    running = sandbox.child;
    await waitFor(() => sandbox.output().includes('GraphiQL'), 15_000);
    const banner = sandbox.output().split('\n').find((l) => l.includes('GraphiQL'))!;
    expect(JSON.parse(banner)).toMatchObject({
      mode: 'sandbox',
      providers: { D7: 'sandbox simulator', BETATEL: 'sandbox simulator' },
      graphiql: `http://127.0.0.1:${port}/graphql`,
    });
    expect(banner).toMatch(/mode SANDBOX .*providers: D7 sandbox simulator, BETATEL sandbox simulator .*GraphiQL: http:\/\/127\.0\.0\.1:\d+\/graphql/);
    // The sandbox's webhook tokens are public (in the source): the URLs are printed whole.
    expect(JSON.parse(banner).webhooks.D7).toBe(`http://127.0.0.1:${port}/webhooks/d7/sandbox-d7-webhook-token-0123456789`);
    expect(banner).toMatch(/Redis: off \| auth: anonymous \(status:read\)/);
    // Sandbox allows anonymous callers by default and says what they see.
    await waitFor(() => sandbox.output().includes('ANONYMOUS ACCESS ALLOWED'), 5_000);
    expect(sandbox.output()).toMatch(/ANONYMOUS ACCESS ALLOWED \(scopes: status:read\): .*phone numbers masked, no message text/);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);

    const livePort = await freePort();
    const live = start({ PORT: String(livePort), HOST: '0.0.0.0', D7_API_TOKEN: 'tok-banner-test' });
    running = live.child;
    await waitFor(() => live.output().includes('GraphiQL'), 15_000);
    const liveBanner = live.output().split('\n').find((l) => l.includes('GraphiQL'))!;
    expect(JSON.parse(liveBanner)).toMatchObject({
      mode: 'live',
      providers: { D7: 'configured', BETATEL: 'NOT CONFIGURED' },
      // Live mode has GraphiQL off unless GRAPHIQL=true: no URL that would answer 406.
      graphiql: 'off',
      webhooks: { D7: 'off', BETATEL: 'off' },
      redis: 'off',
    });
    expect(live.output()).not.toContain('tok-banner-test');
    await waitFor(() => live.output().includes('every GraphQL request will be refused'), 5_000);
    expect(live.output()).not.toContain('ANONYMOUS ACCESS ALLOWED');
    live.child.kill('SIGTERM');
    expect(await live.exited).toBe(0);
  });

  // Before the fix: a busy port gave graphql-ws's stack trace ("listen EADDRINUSE"), the
  // sandbox banner, and a process that stayed alive without listening.
  it.each([
    ['a port in use', (busy: number) => ({ PORT: String(busy), HOST: '127.0.0.1' }), /^cannot listen on 127\.0\.0\.1:\d+: the port is already in use .*\(EADDRINUSE\)$/],
    ['a host that does not resolve', () => ({ HOST: 'no-such-host.invalid' }), /^cannot listen on no-such-host\.invalid:\d+: .*\((ENOTFOUND|EAI_AGAIN)\)$/],
    ['an address this machine does not have', () => ({ HOST: '192.0.2.1' }), /^cannot listen on 192\.0\.2\.1:\d+: this machine has no such address.*\(EADDRNOTAVAIL\)$/],
  ])('exits 1 with one clear line on %s, before any banner', async (_name, env, line) => {
    const blocker = createServer();
    const busy = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const proc = start({ PORT: String(await freePort()), ...env(busy) });
      running = proc.child;
      expect(await proc.exited).toBe(1);
      const lines = proc.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(proc.output()).not.toMatch(/SANDBOX MODE|listening|\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('exits 1 listing every configuration problem at once', async () => {
    const proc = start({ PORT: 'abc', MAX_BATCH_SIZE: '0', BETATEL_API_KEY: 'k', D7_API_TOKEN: 'x' });
    running = proc.child;
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toMatch(/PORT/);
    expect(out).toMatch(/MAX_BATCH_SIZE/);
    expect(out).toMatch(/BETATEL_ACCOUNT_ID/);
    // Secrets too short to be real (or to scrub without mangling the logs), reported with the rest.
    expect(out).toMatch(/D7_API_TOKEN: must be at least 8 characters/);
    expect(out).toMatch(/BETATEL_API_KEY: must be at least 8 characters/);
  });
});
