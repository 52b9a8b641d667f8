import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

const EXAMPLE = new URL('../../../examples/typed-client/index.ts', import.meta.url).pathname;

/** Runs the example as `npm run example:client` does, with node itself and tsx as a loader. */
function runExample(url: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE, ...args], { env: { ...process.env, GRAPHQL_URL: url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function serve(h: Harness): Promise<{ server: Server; url: string }> {
  const server = createServer(h.app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

const EXAMPLE_KEY = 'example-client-key-0123456789abcdef';

describe.each([
  ['allow (sandbox, anonymous)', {}, {}],
  // Live mode refuses anonymous callers: the example authenticates with GRAPHQL_API_KEY.
  [
    'require (persisted documents only, API key)',
    { PROVIDER_MODE: 'live', PERSISTED_DOCUMENTS: 'require', API_KEYS: `example:${EXAMPLE_KEY}:status:read pii:read content:read` },
    { GRAPHQL_API_KEY: EXAMPLE_KEY },
  ],
])('examples/typed-client against a server with PERSISTED_DOCUMENTS=%s', (_mode, env: Record<string, string>, clientEnv: Record<string, string>) => {
  let h: Harness;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    h = await startHarness({ env });
    ({ server, url } = await serve(h));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('looks up the mixed batch and prints one line per ref, for every kind of result', async () => {
    const { code, stdout, stderr } = await runExample(url, [], clientEnv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'D7 f44e3f43-6d4e-4e46-becd-21993f3dcb8e: READ (final) D7 report, 1 recipient(s): +9190617xxxx read',
      'BETATEL 01JV5V54KPYK9GB29265EQRZ2P: DELIVERED Betatel WDR to 38761444555, status DELIVERED, delivered 2024-01-15T10:30:02.000Z',
      expect.stringMatching(/^D7 not-a-uuid: invalid id: "not-a-uuid" is not a valid D7/),
      expect.stringMatching(/^BETATEL 00000000000000000000000404: not found: /),
      expect.stringMatching(/^D7 00000000-0000-4000-8000-000000000429: provider error RATE_LIMITED \(HTTP 429\), retry after 7s: /),
    ]);
    // Each valid id went upstream once; the invalid one never did. (Under require this
    // passes only because the example sends persisted document ids, not query text.)
    expect([...h.simulator('D7').requests].sort()).toEqual(['00000000-0000-4000-8000-000000000429', 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e']);
    expect([...h.simulator('BETATEL').requests].sort()).toEqual(['00000000000000000000000404', '01JV5V54KPYK9GB29265EQRZ2P']);
  });
});

it('takes refs as arguments, and exits 1 saying why when the request fails', async () => {
  const h = await startHarness();
  const { server, url } = await serve(h);
  try {
    const ok = await runExample(url, ['BETATEL:00000000000000000000000001']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^BETATEL 00000000000000000000000001: UNKNOWN Betatel WDR/);

    const bad = await runExample(url, ['SMS:123']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected PROVIDER:id/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  }
  // Nothing listens there any more.
  const down = await runExample(url);
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(new RegExp(`request to ${url} failed`));
});

describe('examples/typed-client/watch.ts (a typed subscription over SSE)', () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startHarness({ env: { WATCHER_POLL_MIN_MS: '50', WATCHER_POLL_MAX_MS: '100' }, simulator: { now: () => clock } });
    ({ server, url } = await serve(h));
  });
  afterAll(async () => {
    await h.app.live.endAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('prints the first answer of each ref, then each change, and exits 0 when every message is final', async () => {
    const WATCH = new URL('../../../examples/typed-client/watch.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', WATCH, 'BETATEL:01KH0000000000000000000A01', 'D7:not-a-uuid'], { env: { ...process.env, GRAPHQL_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (stdout.split('\n').length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    clock += 2_500;
    while (!stdout.includes(': SENT')) await new Promise((resolve) => setTimeout(resolve, 20));
    // READ is final for this id's fate in the simulator (12 s and later).
    clock += 20_000;
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n').map((line) => line.replace(/^\S+ /, ''));
    expect(lines[0]).toBe('BETATEL 01KH0000000000000000000A01: PENDING, status PENDING');
    expect(lines[1]).toMatch(/^D7 not-a-uuid: InvalidMessageId: "not-a-uuid" is not a valid D7/);
    expect(lines[2]).toBe('BETATEL 01KH0000000000000000000A01: SENT, status SENT');
    expect(lines.at(-1)).toMatch(/^BETATEL 01KH0000000000000000000A01: \w+ \(final\), status \w+$/);
  }, 30_000);

  // `npm run example:watch` with no argument follows one fresh D7 id: every fresh id must end
  // final (before issue 21, one generated recipient in five stayed FAILED or DELIVERED for good).
  it('ends (exit 0) for fresh ids of both providers once the sandbox has moved them 15 s on', async () => {
    const WATCH = new URL('../../../examples/typed-client/watch.ts', import.meta.url).pathname;
    const ulid = () => `01KJ${Array.from({ length: 22 }, () => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Math.floor(Math.random() * 32)]).join('')}`;
    const refs = [...Array.from({ length: 6 }, () => `D7:${randomUUID()}`), ...Array.from({ length: 3 }, () => `BETATEL:${ulid()}`)];
    const child = spawn(process.execPath, ['--import', 'tsx', WATCH, ...refs], { env: { ...process.env, GRAPHQL_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (stdout.split('\n').length <= refs.length) await new Promise((resolve) => setTimeout(resolve, 20));
    clock += 15_000;
    expect(await exited).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    for (const ref of refs) {
      const id = ref.slice(ref.indexOf(':') + 1);
      expect(lines.filter((l) => l.toLowerCase().includes(id.toLowerCase())).at(-1), stdout).toMatch(/\(final\)/);
    }
  }, 30_000);
});
