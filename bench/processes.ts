/**
 * The benchmarks' process plumbing, shared by bench/run.ts and bench/replicas.ts: compiling the
 * children, forking them, talking to them over IPC (server marks, mock counts) and stopping them.
 * Servers and the mock each run in a process of their own so CPU time and RSS are theirs alone.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MockCounts } from './mock-child.js';
import { MOCK_BETATEL_ACCOUNT, MOCK_BETATEL_KEY, MOCK_D7_TOKEN } from './mock-upstream.js';
import type { Mark, VariantOptions } from './server-child.js';
import type { Upstream } from './variants/common.js';

export const BENCH_DIR = new URL('.', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(BENCH_DIR, 'out');

/**
 * Servers run compiled (tsc → bench/out), as users run `node dist/main.js`: a tsx loader
 * in each child would add its own worker thread and transpiler to every variant's RSS and CPU.
 */
export function buildChildren(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.children.json')], { stdio: 'inherit' });
  // Files the compiled code reads relative to itself (schema for N and P, GraphiQL tabs and
  // the persisted documents manifest for S).
  cpSync(join(ROOT, 'schema.graphql'), join(OUT, 'schema.graphql'));
  // operations/ holds the manifest too (operations/generated/persisted-documents.json).
  cpSync(join(ROOT, 'operations'), join(OUT, 'operations'), { recursive: true });
}

let maxListenerWarnings = 0;
/** MaxListenersExceededWarning lines the children printed so far (counted, not echoed). */
export const listenerWarnings = () => maxListenerWarnings;

/**
 * The Node.js flags the container runs the service with: the Dockerfile's CMD, between `node` and
 * the script (the HEALTHCHECK's indented CMD is not it). S and Sd run with them here too, so its figures
 * are production's; the other variants run with Node's defaults, as their users would.
 */
export function serviceNodeFlags(dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): string[] {
  const cmd = /^CMD (\[.*\])\s*$/m.exec(dockerfile);
  const argv = cmd ? (JSON.parse(cmd[1]!) as string[]) : [];
  return argv.slice(1, -1).filter((arg) => arg.startsWith('--'));
}

/**
 * `execPath`: the Node.js binary the child runs on (bench/run.ts `--node`); this process's by default.
 * `nodeFlags`: Node.js flags for this child (S gets serviceNodeFlags()).
 */
export function childOf(script: string, argv: string[], env: Record<string, string>, execPath = process.execPath, nodeFlags: string[] = []): ChildProcess {
  // execArgv set explicitly: fork would pass on this process's `--import tsx`. BENCH_NODE_ARGS
  // adds flags for investigation (e.g. --cpu-prof).
  const execArgv = [...nodeFlags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = fork(join(OUT, 'bench', script), argv, { execPath, execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  // S warns once per request signal with more than 10 abort listeners (batches of > 10 ids):
  // counted and reported, not repeated here.
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (/MaxListenersExceededWarning/.test(line)) maxListenerWarnings += 1;
      else if (line.trim() && !/--trace-warnings/.test(line)) process.stderr.write(`[${argv[0] ?? script}] ${line}\n`);
    }
  });
  return child;
}

export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) while waiting for ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  const answer = nextMessage<T>(child, type);
  child.send(message);
  return answer;
}

/** CPU time and RSS of a server child so far (bench/server-child.ts). */
export const mark = (server: ChildProcess) => ask<Mark>(server, { type: 'mark' }, 'mark');

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The mock upstream of both providers in its own process, and the upstream settings that point at it. */
export async function startMock(latencyMs: number, jitterMs: number): Promise<{ mock: ChildProcess; upstream: Upstream }> {
  const mock = childOf('mock-child.js', [], { BENCH_LATENCY_MS: String(latencyMs), BENCH_JITTER_MS: String(jitterMs) });
  const { url } = await nextMessage<{ url: string }>(mock, 'ready');
  return { mock, upstream: { url, d7Token: MOCK_D7_TOKEN, betatelKey: MOCK_BETATEL_KEY, betatelAccount: MOCK_BETATEL_ACCOUNT } };
}

/**
 * One variant's server (bench/server-child.ts), listening; `env` adds variables to the child's own
 * environment, `execPath` is the Node.js binary it runs on (this process's by default). S and Sd run
 * with the container's Node.js flags (serviceNodeFlags).
 */
export async function startServer(
  variant: string,
  upstream: Upstream,
  options: VariantOptions,
  env: Record<string, string> = {},
  execPath = process.execPath,
): Promise<{ child: ChildProcess; port: number }> {
  const child = childOf('server-child.js', [variant], { ...env, BENCH_UPSTREAM: JSON.stringify(upstream), BENCH_VARIANT_OPTIONS: JSON.stringify(options), NODE_ENV: 'production' }, execPath, variant === 'S' || variant === 'Sd' ? serviceNodeFlags() : []);
  const { port } = await nextMessage<{ port: number }>(child, 'ready');
  return { child, port };
}

/** Calls the mock received since its last reset, the calls for these requests' ids, and for one `PROVIDER:id`. */
export const mockCounts = (mock: ChildProcess, requests: number[] = [], key?: string) => ask<MockCounts>(mock, { type: 'counts', requests, key }, 'counts');

/**
 * autocannon cuts requests still running at the end; a server may go on with their upstream
 * calls (S keeps them in its bulkhead until their deadline). Wait until the mock sees no more
 * calls so the next workload starts from an idle server.
 */
export async function drain(mock: ChildProcess): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i += 1) {
    const { total } = await mockCounts(mock);
    if (total === last) return;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
