import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayRuntime, type GatewayConfigSupergraph, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { variableDefaults } from '../../src/config.js';
import { docFiles, readDoc, ROOT, section } from '../helpers/docs.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { listen, type RunningSubgraph } from './outbound-subgraph.js';
import { providers } from '../../src/providers/registry.js';

/**
 * docs/federation.md "Try Hive Gateway locally", as written: the service started with the block's
 * variables, `npm run supergraph`'s script, the example config the block copies and the key the
 * block gives the gateway, then the README's first query through Hive Gateway's runtime (the
 * engine of the `hive-gateway` command) gets the README's answer.
 */
const SCRIPT = new URL('../../scripts/compose-supergraph.ts', import.meta.url).pathname;

function blocks(page: string, heading: string, language: string): string[] {
  return [...section(page, heading).matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}
const [serviceBlock, gatewayBlock, subscriptionBlock] = blocks('docs/federation.md', '### Try Hive Gateway locally', 'sh');

/** `NAME='value'` or `NAME=value` assignments at the start of a command line. */
function assignments(line: string): Record<string, string> {
  return Object.fromEntries([...line.matchAll(/(?:^|\s)([A-Z_]+)=('[^']*'|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]));
}

/** Runs the script as `npm run supergraph` does (tsx), from the repository root. */
function compose(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The README's first query: the body its curl command sends, and the answer it shows. */
function firstQuery(): { body: string; answer: unknown } {
  const [curl] = blocks('README.md', '## A first query', 'sh');
  const [shown] = blocks('README.md', '## A first query', 'json');
  return { body: /-d '([\s\S]*)'\s*$/.exec(curl!)![1]!, answer: JSON.parse(shown!) };
}

const dir = mkdtempSync(join(tmpdir(), 'hive-try-'));
let h: Harness;
let service: RunningSubgraph;
let runtime: GatewayRuntime | undefined;
let gateway: RunningSubgraph | undefined;
const statuses: number[] = [];

beforeAll(async () => {
  const env = assignments(serviceBlock!.split('\n').find((line) => line.includes('npm start'))!);
  expect(env).toMatchObject({ ALLOW_ANONYMOUS: 'false', API_KEYS: expect.stringMatching(/^router:.{32,}:status:read$/) });
  h = await startHarness({ env });
  service = await listen(
    createServer((req, res) => {
      res.on('finish', () => statuses.push(res.statusCode));
      void h.app.yoga(req, res);
    }),
    '/graphql',
  );
});
afterAll(async () => {
  await gateway?.close();
  await runtime?.dispose();
  await service?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('docs/federation.md: Try Hive Gateway locally', () => {
  const lines = () => gatewayBlock!.split('\n').filter(Boolean);

  it('runs the gateway with its npm package name and a port of its own', () => {
    const run = lines().find((line) => line.includes('npx'))!;
    expect(run).toMatch(/npx @graphql-hive\/gateway supergraph --port (\d+)$/);
    expect(run).not.toMatch(new RegExp(`--port ${String(variableDefaults(providers).PORT)}$`));
    // `hive-gateway` is the package's command, not a package on the registry (npx answers 404).
    for (const page of docFiles()) expect(readDoc(page), page).not.toMatch(/npx hive-gateway/);
  });

  it('composes a supergraph routing to where npm start listens, by default', async () => {
    const out = join(dir, 'default.graphql');
    const { code, stderr } = await compose(['--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`@join__graph(name: "message-status", url: "http://localhost:${String(variableDefaults(providers).PORT)}/graphql")`);
  });

  it('refuses a --url that is not an http(s) URL, naming the flag', async () => {
    const { code, stderr } = await compose(['--url', 'localhost:4000', '--out', join(dir, 'bad.graphql')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^--url must be this service's http\(s\) URL/);
  });

  it('answers the README’s first query through Hive Gateway with the copied config and the block’s key', async () => {
    const [, copied] = /^cp (\S+) /.exec(lines().find((line) => line.startsWith('cp '))!)!;
    const { gatewayConfig } = (await import(new URL(copied!, ROOT).href)) as { gatewayConfig: GatewayConfigSupergraph };
    const supergraph = join(dir, 'supergraph.graphql');
    const composed = await compose(['--url', service.url, '--out', supergraph]);
    expect(composed.stdout).toContain(`the message-status subgraph at ${service.url}`);

    const { MESSAGE_STATUS_API_KEY } = assignments(lines().find((line) => line.includes('npx'))!);
    vi.stubEnv('MESSAGE_STATUS_API_KEY', MESSAGE_STATUS_API_KEY!);
    runtime = createGatewayRuntime({ ...gatewayConfig, supergraph: readFileSync(supergraph, 'utf8'), logging: false });
    gateway = await listen(createServer(runtime), '/graphql');

    const { body, answer } = firstQuery();
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await res.json()).toEqual(answer);
    expect(statuses).toEqual([200]);
  });

  it('streams the block’s subscription through the gateway, its first event the fresh id’s PENDING', async () => {
    expect(subscriptionBlock).toContain("curl -N http://localhost:4001/graphql -H 'content-type: application/json' -H 'accept: text/event-stream'");
    const body = /-d '([\s\S]*)'\s*$/.exec(subscriptionBlock!)![1]!;
    const aborted = new AbortController();
    const res = await fetch(gateway!.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body, signal: aborted.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!/^data: \{.*$/m.test(text)) {
      const step = await reader.read();
      if (step.done) break;
      text += new TextDecoder().decode(step.value);
    }
    aborted.abort();
    expect(JSON.parse(/^data: (\{.*)$/m.exec(text)![1]!)).toEqual({ data: { messageStatusChanged: { state: 'PENDING', isFinal: false } } });
  });

  it('is refused without the key in the gateway’s environment (anonymous access is off)', async () => {
    vi.stubEnv('MESSAGE_STATUS_API_KEY', '');
    statuses.length = 0;
    const res = await fetch(gateway!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: firstQuery().body });
    expect(((await res.json()) as { data?: unknown }).data).toBeFalsy();
    expect(statuses).toEqual([401]);
  });
});
