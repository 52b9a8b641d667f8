import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

/** The real entry point as `npm start` runs it, as a child process. */
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

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
  const child = spawn(TSX, [MAIN], { env: { ...clean, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it('exits 1 listing every configuration problem at once', async () => {
    const proc = start({ PORT: 'abc', MAX_BATCH_SIZE: '0', BETATEL_API_KEY: 'k' });
    running = proc.child;
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toMatch(/PORT/);
    expect(out).toMatch(/MAX_BATCH_SIZE/);
    expect(out).toMatch(/BETATEL_ACCOUNT_ID/);
  });
});
