/**
 * Side-by-side benchmark (issue 8): B0 (bare node:http + undici, the limit), S (this
 * service), N (naive GraphQL) and P (Apollo Server + RESTDataSource), each in its own
 * process, against one mock upstream process, loaded by autocannon from this process.
 * Machines here are shared and noisy, so the report gives ratios against B0 measured in
 * the same run, medians of several repetitions with the variants interleaved.
 *
 *   npm run bench                      full run → bench/RESULTS.md, bench/results.svg
 *   npm run bench -- --quick           smoke run (< 2 min) → reports/bench-quick/
 *   npm run bench -- --profile         CPU profile of S under fresh-10 and fresh-100 → bench/profiles/
 *   options: --seconds N --reps N --latency MS --jitter MS --variants B0,S,N,P --workloads a,b --sockets N --out DIR
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { d7Id, distinctCount, makeRefs, type RefsShape } from './ids.js';
import type { MockCounts } from './mock-child.js';
import { MOCK_BETATEL_ACCOUNT, MOCK_BETATEL_KEY, MOCK_D7_TOKEN } from './mock-upstream.js';
import { benchKey } from './credentials.js';
import { renderSummary, summarize } from './profile-summary.js';
import { renderResults, renderSvg, type Row } from './report.js';
import type { Mark } from './server-child.js';
import { BENCH_QUERY, type Upstream } from './variants/common.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    reps: { type: 'string' },
    latency: { type: 'string', default: '20' },
    jitter: { type: 'string', default: '0' },
    variants: { type: 'string', default: 'B0,S,N,P' },
    sockets: { type: 'string', default: '256' },
    out: { type: 'string' },
    workloads: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
// --profile: S alone, under node --cpu-prof, on the fan-out workloads; the profile is summarized
// by package and function (bench/profile-summary.ts) into bench/profiles/.
const profile = args.profile;
const profileDir = join(new URL('.', import.meta.url).pathname, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
const quick = args.quick;
const seconds = Number(args.seconds ?? (quick ? 2 : 5));
const reps = Number(args.reps ?? (quick ? 1 : 3));
const latencyMs = Number(args.latency);
const jitterMs = Number(args.jitter);
const sockets = Number(args.sockets);
const variants = profile ? ['S'] : args.variants.split(',').map((v) => v.trim());
const outDir = args.out ?? (profile ? 'bench/profiles' : quick ? 'reports/bench-quick' : 'bench');
const BENCH_DIR = new URL('.', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(BENCH_DIR, 'out');

export interface Workload {
  name: string;
  what: string;
  shape: RefsShape;
  connections: number;
  /** Every request asks for one and the same id. */
  hot?: boolean;
  /** A distinct credential (x-api-key) per request. */
  auth?: boolean;
  /** Runs in a freshly started server, so its peak RSS is not what earlier workloads left behind. */
  ownProcess?: boolean;
}

// 16 connections: with the service's defaults (100 lookups at once per request and provider,
// bulkhead 256 running here + 2048 waiting) 16 × 100 stays inside the bulkhead, so S answers every ref.
const C = 16;
const WORKLOADS: Workload[] = [
  { name: 'fresh-1', what: '1 id per query, fresh ids', shape: { size: 1, repeated: 0, providers: 'D7' }, connections: C },
  { name: 'fresh-10', what: '10 ids, fresh', shape: { size: 10, repeated: 0, providers: 'D7' }, connections: C },
  { name: 'fresh-100', what: '100 ids, fresh', shape: { size: 100, repeated: 0, providers: 'D7' }, connections: C },
  { name: 'repeat50-10', what: '10 ids, 50% repeated within the query (5 distinct)', shape: { size: 10, repeated: 0.5, providers: 'D7' }, connections: C },
  { name: 'mix-10', what: '10 ids, D7 and Betatel alternating', shape: { size: 10, repeated: 0, providers: 'mix' }, connections: C },
  { name: 'auth-10', what: '10 ids, fresh, a distinct x-api-key per request', shape: { size: 10, repeated: 0, providers: 'D7' }, connections: C, auth: true },
  { name: 'hot-1', what: 'hot key: 100 concurrent clients, every query the same one id', shape: { size: 1, repeated: 0, providers: 'D7' }, connections: 100, hot: true },
  { name: 'c500-1', what: '500 concurrent connections, 1 fresh id each, providers alternating (peak RSS, in a fresh server process)', shape: { size: 1, repeated: 0, providers: 'mix' }, connections: 500, ownProcess: true },
];
const QUICK = new Set(['fresh-1', 'fresh-10', 'fresh-100', 'repeat50-10', 'hot-1']);
const chosen = args.workloads?.split(',').map((w) => w.trim()) ?? (profile ? ['fresh-10', 'fresh-100'] : undefined);
const workloads = chosen ? WORKLOADS.filter((w) => chosen.includes(w.name)) : quick ? WORKLOADS.filter((w) => QUICK.has(w.name)) : WORKLOADS;

// One run number per invocation and one request counter across it: ids never repeat across
// requests, so S's cache answers nothing in the fan-out workloads (cache effects show only
// where a workload is about them: repeated ids in a query, the hot key).
const run = Math.floor(Math.random() * 0xffffffff);
let requestCounter = 0;

/**
 * Servers run compiled (tsc → bench/out), as users run `node dist/main.js`: a tsx loader
 * in each child would add its own worker thread and transpiler to every variant's RSS and CPU.
 */
function buildChildren(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.children.json')], { stdio: 'inherit' });
  // Files the compiled code reads relative to itself (schema for N and P, GraphiQL tabs and
  // the persisted documents manifest for S).
  cpSync(join(ROOT, 'schema.graphql'), join(OUT, 'schema.graphql'));
  // operations/ holds the manifest too (operations/generated/persisted-documents.json).
  cpSync(join(ROOT, 'operations'), join(OUT, 'operations'), { recursive: true });
}

let maxListenerWarnings = 0;
function childOf(script: string, argv: string[], env: Record<string, string>): ChildProcess {
  // execArgv set explicitly: fork would pass on this process's `--import tsx`. BENCH_NODE_ARGS
  // adds flags for investigation (e.g. --cpu-prof).
  const execArgv = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(join(OUT, 'bench', script), argv, { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
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

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
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

async function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  const answer = nextMessage<T>(child, type);
  child.send(message);
  return answer;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

const ERRORED = /"errors"|"__typename":"(ProviderError|MessageNotFound|InvalidMessageId)"/;

interface Measured {
  requests: number;
  nonData: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  callsPerRequest: number;
  expectedCallsPerRequest: number;
  hotKeyCalls?: number;
  peakRssMb: number;
  idleRssMb?: number;
}

async function load(port: number, w: Workload, durationS: number, mock: ChildProcess, server: ChildProcess): Promise<Measured> {
  const hotId = d7Id(run, ++requestCounter, 0);
  const hotBody = JSON.stringify({ query: BENCH_QUERY, variables: { refs: [{ provider: 'D7', id: hotId }] } });
  const completed: number[] = [];
  let nonData = 0;
  let nonDataSample: string | undefined;
  let responses = 0;
  await ask(mock, { type: 'reset' }, 'reset');
  const before = await ask<Mark>(server, { type: 'mark' }, 'mark');
  const started = performance.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: w.connections,
    duration: durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        // Called before every request: a new request number, so fresh ids (ids.ts).
        setupRequest: (req, context: object) => {
          const n = ++requestCounter;
          (context as { n?: number }).n = n;
          const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
          // A valid key for S (live mode); with `auth`, a different one per request.
          headers['x-api-key'] = benchKey(w.auth ? n : 0);
          const body = w.hot ? hotBody : JSON.stringify({ query: BENCH_QUERY, variables: { refs: makeRefs(run, n, w.shape) } });
          return { ...req, headers, body };
        },
        onResponse: (status, body, context: object) => {
          responses += 1;
          if (status === 200 && !ERRORED.test(body)) completed.push((context as { n: number }).n);
          else {
            nonData += 1;
            nonDataSample ??= `HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  const elapsedS = (performance.now() - started) / 1000;
  const after = await ask<Mark>(server, { type: 'mark' }, 'mark');
  const counts = await ask<MockCounts>(mock, { type: 'counts', requests: w.hot ? [] : completed, key: `D7:${hotId}` }, 'counts');
  const expected = distinctCount(makeRefs(run, 1, w.shape));
  if (nonDataSample) console.log(`  non-data answer, e.g.: ${nonDataSample}`);
  await drain(mock);
  return {
    requests: responses,
    nonData,
    rps: responses / elapsedS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (after.cpuMicros - before.cpuMicros) / 1000 / Math.max(1, responses),
    // Exact: calls for the ids of completed requests only. Hot key: every call / every answer.
    callsPerRequest: w.hot ? counts.total / Math.max(1, responses) : counts.forRequests / Math.max(1, completed.length),
    expectedCallsPerRequest: expected,
    hotKeyCalls: w.hot ? counts.keyCalls : undefined,
    peakRssMb: after.peakRss / 1024 / 1024,
  };
}

/**
 * autocannon cuts requests still running at the end; a server may go on with their upstream
 * calls (S keeps them in its bulkhead until their deadline). Wait until the mock sees no more
 * calls so the next workload starts from an idle server.
 */
async function drain(mock: ChildProcess): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i += 1) {
    const { total } = await ask<MockCounts>(mock, { type: 'counts', requests: [] }, 'counts');
    if (total === last) return;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const t0 = Date.now();
  console.log(`bench: ${quick ? 'quick' : 'full'}; ${variants.join(', ')}; ${workloads.length} workloads × ${seconds} s × ${reps} rep(s); upstream latency ${latencyMs} ms${jitterMs ? ` + jitter ${jitterMs} ms` : ''}`);
  buildChildren();
  if (profile) mkdirSync(profileDir, { recursive: true });
  const mock = childOf('mock-child.js', [], { BENCH_LATENCY_MS: String(latencyMs), BENCH_JITTER_MS: String(jitterMs) });
  const { url } = await nextMessage<{ url: string }>(mock, 'ready');
  const upstream: Upstream = { url, d7Token: MOCK_D7_TOKEN, betatelKey: MOCK_BETATEL_KEY, betatelAccount: MOCK_BETATEL_ACCOUNT };

  const samples = new Map<string, Measured[]>();
  try {
    for (let rep = 0; rep < reps; rep += 1) {
      // Rotate the order each repetition so no variant always runs first or last.
      const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
      for (const variant of order) {
        const start = async () => {
          const child = childOf('server-child.js', [variant], { ...(profile && { BENCH_PROFILE_DIR: profileDir }), BENCH_UPSTREAM: JSON.stringify(upstream), BENCH_VARIANT_OPTIONS: JSON.stringify({ sockets }), NODE_ENV: 'production' });
          const { port } = await nextMessage<{ port: number }>(child, 'ready');
          // Idle RSS: started, listening, nothing served yet.
          const idleRssMb = (await ask<Mark>(child, { type: 'mark' }, 'mark')).rss / 1024 / 1024;
          // Warm-up (JIT, sockets): not recorded.
          await load(port, WORKLOADS[1]!, 1, mock, child);
          if (profile) await ask(child, { type: 'profile-start' }, 'profile-started');
          return { child, port, idleRssMb };
        };
        let server = await start();
        try {
          for (const w of workloads) {
            if (w.ownProcess) {
              await stop(server.child);
              server = await start();
            }
            const m = { ...(await load(server.port, w, seconds, mock, server.child)), idleRssMb: server.idleRssMb };
            const key = `${variant}|${w.name}`;
            samples.set(key, [...(samples.get(key) ?? []), m]);
            console.log(
              `rep ${rep + 1} ${variant.padEnd(2)} ${w.name.padEnd(12)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50.toFixed(0)} ms  p99 ${m.p99.toFixed(0)} ms  cpu ${m.cpuMsPerRequest.toFixed(3)} ms/req  calls/req ${m.callsPerRequest.toFixed(3)}${m.hotKeyCalls !== undefined ? ` (hot key ${m.hotKeyCalls})` : ''}  peak RSS ${m.peakRssMb.toFixed(0)} MB${m.nonData ? `  non-data ${m.nonData}` : ''}`,
            );
          }
        } finally {
          if (profile) await ask(server.child, { type: 'profile-stop' }, 'profile-stopped');
          await stop(server.child);
        }
      }
    }
  } finally {
    await stop(mock);
  }

  const rows: Row[] = [];
  for (const w of workloads) {
    for (const variant of variants) {
      const ms = samples.get(`${variant}|${w.name}`) ?? [];
      if (ms.length === 0) continue;
      const med = (f: (m: Measured) => number) => median(ms.map(f));
      rows.push({
        workload: w.name,
        what: w.what,
        ids: w.shape.size,
        connections: w.connections,
        variant,
        rps: med((m) => m.rps),
        p50: med((m) => m.p50),
        p99: med((m) => m.p99),
        cpuMsPerRequest: med((m) => m.cpuMsPerRequest),
        callsPerRequest: med((m) => m.callsPerRequest),
        callsPerRequestAll: ms.map((m) => m.callsPerRequest),
        expectedCallsPerRequest: ms[0]!.expectedCallsPerRequest,
        hotKeyCalls: w.hot ? Math.max(...ms.map((m) => m.hotKeyCalls ?? 0)) : undefined,
        peakRssMb: Math.max(...ms.map((m) => m.peakRssMb)),
        idleRssMb: med((m) => m.idleRssMb ?? 0),
        nonData: med((m) => m.nonData),
        requests: med((m) => m.requests),
      });
    }
  }

  const machine = {
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg(),
  };
  const settings = { quick, seconds, reps, latencyMs, jitterMs, durationS: (Date.now() - t0) / 1000, maxListenerWarnings, sockets };
  mkdirSync(outDir, { recursive: true });
  if (profile) {
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const summary = summarize(files.map((f) => JSON.parse(readFileSync(join(profileDir, f), 'utf8'))));
    const text = renderSummary(`S under ${workloads.map((w) => w.name).join(' + ')} (${files.length} profile(s), ${new Date().toISOString()})`, summary);
    writeFileSync(join(profileDir, 'summary.md'), text);
    console.log(text);
    console.log(`bench: profiles and summary.md in ${profileDir}`);
    return;
  }
  const svgPath = join(outDir, 'results.svg');
  writeFileSync(svgPath, renderSvg(rows, variants));
  writeFileSync(join(outDir, 'RESULTS.md'), renderResults(rows, variants, machine, settings));
  // A PNG too when rsvg-convert happens to be installed; the SVG is the chart otherwise.
  try {
    execFileSync('rsvg-convert', ['-o', join(outDir, 'results.png'), svgPath], { stdio: 'ignore' });
  } catch {
    /* not installed: SVG only */
  }
  console.log(`bench: wrote ${join(outDir, 'RESULTS.md')} and ${svgPath} in ${settings.durationS.toFixed(0)} s`);
}

await main();
