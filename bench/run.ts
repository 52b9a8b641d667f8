/**
 * Side-by-side benchmark (issue 8): B0 (bare node:http + undici, the limit), S (this
 * service), N (naive GraphQL) and P (Apollo Server + RESTDataSource), each in its own
 * process, against one mock upstream process, loaded by autocannon from this process.
 * Machines here are shared and noisy, so the report gives ratios against B0 measured in
 * the same run, medians of several repetitions with the variants interleaved.
 *
 *   npm run bench                      full run → bench/RESULTS.md, bench/results.svg
 *   npm run bench -- --quick           smoke run (< 2 min) → reports/bench-quick/
 *   npm run bench -- --profile         CPU profile of S under fresh-10 and fresh-100 → bench/profiles/ and the
 *                                      profile block of bench/RESULTS.md (this run's summary above the previous one's)
 *   npm run bench -- --variants S,Sd --workloads fresh-10,step-10
 *                                      S with its caps raised (the others' upstream budget) against Sd, S with
 *                                      its defaults (the adaptive limit); step-10 prints calls in flight and the
 *                                      limit over time while the mock slows down 20 → 500 → 20 ms and sheds (429/503)
 *   npm run bench -- --node 24 --node 20
 *                                      the servers on each Node.js binary, interleaved in one run: the
 *                                      tables above are the first's, the Node.js lines block of
 *                                      bench/RESULTS.md (written even by a --quick run) sets them side by side
 *   options: --seconds N --reps N --latency MS --jitter MS --variants B0,S,N,P --workloads a,b --sockets N --out DIR
 *            --node PATH|LINE (repeatable; a line such as 24 is installed by scripts/node-line.sh when missing)
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { d7Id, distinctCount, makeRefs, type RefsShape } from './ids.js';
import { fire } from './load.js';
import { ask, BENCH_DIR, buildChildren, drain, listenerWarnings, mark, median, mockCounts, startMock, startServer, stop } from './processes.js';
import { renderNodeLines } from './node-lines.js';
import { profileBlock } from './profile-block.js';
import { renderSummary, summarize } from './profile-summary.js';
import { machineFacts, renderResults, renderSvg, type Row } from './report.js';
import { asBlock, keepingBlocksOf, withBlock } from './results-block.js';
import { BENCH_QUERY } from './variants/common.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    reps: { type: 'string' },
    latency: { type: 'string', default: '20' },
    jitter: { type: 'string', default: '0' },
    variants: { type: 'string', default: 'B0,S,Sd,N,P' },
    sockets: { type: 'string', default: '256' },
    out: { type: 'string' },
    workloads: { type: 'string' },
    profile: { type: 'boolean', default: false },
    node: { type: 'string', multiple: true },
  },
});
// --profile: S alone, under node --cpu-prof, on the fan-out workloads; the profile is summarized
// by package and function (bench/profile-summary.ts) into bench/profiles/.
const profile = args.profile;
const profileDir = join(BENCH_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
const quick = args.quick;
const seconds = Number(args.seconds ?? (quick ? 2 : 5));
const reps = Number(args.reps ?? (quick ? 1 : 3));
const latencyMs = Number(args.latency);
const jitterMs = Number(args.jitter);
const sockets = Number(args.sockets);
const variants = profile ? ['S'] : args.variants.split(',').map((v) => v.trim());
const outDir = args.out ?? (profile ? 'bench/profiles' : quick ? 'reports/bench-quick' : 'bench');
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

/** A Node.js binary the servers run on. */
interface NodeBinary {
  path: string;
  version: string;
}

/** `--node`: a binary's path, or a release line (`24`) scripts/node-line.sh installs into .ci/node/ when missing. */
function nodeBinary(spec: string): NodeBinary {
  try {
    const path = /^\d+$/.test(spec)
      ? execFileSync(join(BENCH_DIR, '../scripts/node-line.sh'), [spec], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
      : resolve(spec);
    return { path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() };
  } catch (err) {
    throw new Error(`--node ${spec}: no Node.js binary there (${(err as Error).message.split('\n')[0]})`);
  }
}
const nodes: NodeBinary[] = args.node?.map(nodeBinary) ?? [{ path: process.execPath, version: process.version }];
// Rows are told apart by version: two binaries of one version would be one line measured twice.
const versions = nodes.map((n) => n.version);
if (new Set(versions).size !== versions.length) throw new Error(`--node: the same Node.js version twice (${versions.join(', ')})`);

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
  /**
   * The mock's behaviour in turn, each for a share of the workload's time: a provider that slows
   * down or sheds. Such a workload measures the calls in flight over time, not throughput; only S
   * and Sd run it, and it stays out of the tables (its own block in RESULTS.md).
   */
  steps?: Step[];
  /** Configuration variables of S for this workload (it then runs in a server of its own). */
  env?: Record<string, string>;
}

interface Step {
  latencyMs: number;
  /** Answers 429 and 503 in turn instead of reports. */
  refuse?: boolean;
  /** Share of the workload's time. */
  share: number;
}

/** Variants that run the step workloads: the service, with caps raised (S) and with its defaults (Sd). */
const STEP_VARIANTS = new Set(['S', 'Sd']);

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
  {
    name: 'step-10',
    what: '10 fresh ids; the provider answers in 20 ms, then 500 ms, 20 ms, 429/503, 20 ms (calls in flight and the limit over time; S\'s breaker held shut, BREAKER_THRESHOLD=1000, so that the limit alone answers the 429/503)',
    shape: { size: 10, repeated: 0, providers: 'D7' },
    connections: C,
    env: { BREAKER_THRESHOLD: '1000' },
    steps: [
      { latencyMs: 20, share: 0.2 },
      { latencyMs: 500, share: 0.25 },
      { latencyMs: 20, share: 0.15 },
      { latencyMs: 20, refuse: true, share: 0.2 },
      { latencyMs: 20, share: 0.2 },
    ],
  },
  { name: 'c500-1', what: '500 concurrent connections, 1 fresh id each, providers alternating (peak RSS, in a fresh server process)', shape: { size: 1, repeated: 0, providers: 'mix' }, connections: 500, ownProcess: true },
];
const QUICK = new Set(['fresh-1', 'fresh-10', 'fresh-100', 'repeat50-10', 'hot-1', 'step-10']);
/** A step workload's time: long enough for each step to show the limit settle. */
const stepSeconds = (quick: boolean) => (quick ? 16 : 30);
const chosen = args.workloads?.split(',').map((w) => w.trim()) ?? (profile ? ['fresh-10', 'fresh-100'] : undefined);
const workloads = chosen ? WORKLOADS.filter((w) => chosen.includes(w.name)) : quick ? WORKLOADS.filter((w) => QUICK.has(w.name)) : WORKLOADS;

// One run number per invocation and one request counter across it: ids never repeat across
// requests, so S's cache answers nothing in the fan-out workloads (cache effects show only
// where a workload is about them: repeated ids in a query, the hot key).
const run = Math.floor(Math.random() * 0xffffffff);
let requestCounter = 0;

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
  /** A step workload's samples over time. */
  timeline?: StepSample[];
}

async function load(port: number, w: Workload, durationS: number, mock: ChildProcess, server: ChildProcess): Promise<Measured> {
  const hotId = d7Id(run, ++requestCounter, 0);
  const hotBody = JSON.stringify({ query: BENCH_QUERY, variables: { refs: [{ provider: 'D7', id: hotId }] } });
  await ask(mock, { type: 'reset' }, 'reset');
  const before = await mark(server);
  // A new request number for every request, so fresh ids (ids.ts); with `auth`, a different key too.
  const timeline = w.steps ? driveSteps(w.steps, durationS, mock, port) : undefined;
  const fired = await fire([`http://127.0.0.1:${port}`], w.connections, durationS, () => {
    const n = ++requestCounter;
    return { n, key: w.auth ? n : 0, body: w.hot ? hotBody : JSON.stringify({ query: BENCH_QUERY, variables: { refs: makeRefs(run, n, w.shape) } }) };
  });
  const steps = await timeline;
  const after = await mark(server);
  const counts = await mockCounts(mock, w.hot ? [] : fired.completed, `D7:${hotId}`);
  const expected = distinctCount(makeRefs(run, 1, w.shape));
  if (fired.nonDataSample) console.log(`  non-data answer, e.g.: ${fired.nonDataSample}`);
  await drain(mock);
  const { responses, completed } = fired;
  return {
    requests: responses,
    nonData: fired.nonData,
    rps: responses / fired.elapsedS,
    p50: fired.p50,
    p99: fired.p99,
    cpuMsPerRequest: (after.cpuMicros - before.cpuMicros) / 1000 / Math.max(1, responses),
    // Exact: calls for the ids of completed requests only. Hot key: every call / every answer.
    callsPerRequest: w.hot ? counts.total / Math.max(1, responses) : counts.forRequests / Math.max(1, completed.length),
    expectedCallsPerRequest: expected,
    hotKeyCalls: w.hot ? counts.keyCalls : undefined,
    peakRssMb: after.peakRss / 1024 / 1024,
    timeline: steps,
  };
}

/** One sample of a step workload: seconds since its start, the mock's step, calls open at the mock, S's limit for D7. */
interface StepSample {
  t: number;
  step: string;
  open: number;
  limit: number | undefined;
}

/** The interactive limit S reports for D7 (`upstream_concurrency_limit`); undefined when it reports none. */
async function limitOf(port: number): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('upstream_concurrency_limit{') && l.includes('provider="D7"') && l.includes('lane="interactive"'));
  return line ? Number(line.split(' ').pop()) : undefined;
}

/** Drives the mock through `steps` over `durationS`, sampling every 250 ms; the mock is back at its latency after. */
async function driveSteps(steps: Step[], durationS: number, mock: ChildProcess, port: number): Promise<StepSample[]> {
  const samples: StepSample[] = [];
  const t0 = Date.now();
  try {
    for (const step of steps) {
      const name = step.refuse ? '429/503' : `${step.latencyMs} ms`;
      await ask(mock, { type: 'phase', latencyMs: step.latencyMs, refuse: step.refuse ?? false }, 'phase');
      for (const end = Date.now() + step.share * durationS * 1000; Date.now() < end; ) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const { open } = await mockCounts(mock);
        samples.push({ t: (Date.now() - t0) / 1000, step: name, open, limit: await limitOf(port) });
      }
    }
  } finally {
    await ask(mock, { type: 'phase', latencyMs, refuse: false }, 'phase');
  }
  return samples;
}

interface StepRow {
  step: string;
  samples: number;
  meanOpen: number;
  maxOpen: number;
  minLimit?: number;
  maxLimit?: number;
  lastLimit?: number;
}

/** Per step, in order (a step that comes twice is two rows): calls open at the mock (mean, most) and S's limit (least, most, last). */
function stepSummary(samples: StepSample[]): StepRow[] {
  const rows: StepRow[] = [];
  samples.forEach((s, i) => {
    if (i === 0 || samples[i - 1]!.step !== s.step) rows.push({ step: s.step, samples: 0, meanOpen: 0, maxOpen: 0 });
    const row = rows.at(-1)!;
    row.samples += 1;
    row.meanOpen += (s.open - row.meanOpen) / row.samples;
    row.maxOpen = Math.max(row.maxOpen, s.open);
    if (s.limit !== undefined) {
      row.minLimit = Math.min(row.minLimit ?? s.limit, s.limit);
      row.maxLimit = Math.max(row.maxLimit ?? s.limit, s.limit);
      row.lastLimit = s.limit;
    }
  });
  return rows;
}

/** The step workloads' block of RESULTS.md: per variant, each step's calls in flight at the provider and S's limit. */
function renderSteps(stepped: [string, StepSample[]][], quickRun: boolean): string {
  const lines = [
    `### Defaults that adapt: calls in flight while the provider slows down and sheds (${command}${quickRun ? ', quick' : ''})`,
    '',
    `${WORKLOADS.find((w) => w.steps)?.what ?? ''}. 16 connections; sampled every 250 ms. S: caps raised (the limit pinned at ${sockets}); Sd: S with its defaults (adaptive limit 4–256). The mock counts the requests it is answering ("in flight"); the limit is S's \`upstream_concurrency_limit\` for D7's interactive lane.`,
    '',
    '| variant | step | in flight: mean | most | limit: least | most | last |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [key, timeline] of stepped) {
    const variant = key.split('|')[0]!;
    for (const r of stepSummary(timeline)) {
      lines.push(`| ${variant} | ${r.step} | ${r.meanOpen.toFixed(0)} | ${r.maxOpen} | ${r.minLimit ?? '–'} | ${r.maxLimit ?? '–'} | ${r.lastLimit ?? '–'} |`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const t0 = Date.now();
  console.log(
    `bench: ${quick ? 'quick' : 'full'}; ${variants.join(', ')}; servers on Node ${versions.join(', ')}; ${workloads.length} workloads × ${seconds} s × ${reps} rep(s); upstream latency ${latencyMs} ms${jitterMs ? ` + jitter ${jitterMs} ms` : ''}`,
  );
  buildChildren();
  if (profile) mkdirSync(profileDir, { recursive: true });
  const { mock, upstream } = await startMock(latencyMs, jitterMs);

  const samples = new Map<string, Measured[]>();
  const timelines = new Map<string, StepSample[]>();
  // Every variant on every Node.js binary, as one list run in turn.
  const servers = variants.flatMap((variant) => nodes.map((node) => ({ variant, node })));
  try {
    for (let rep = 0; rep < reps; rep += 1) {
      // Rotate the order each repetition so no server always runs first or last.
      const order = servers.map((_, i) => servers[(i + rep) % servers.length]!);
      for (const { variant, node } of order) {
        const start = async (env?: Record<string, string>) => {
          const { child, port } = await startServer(variant, upstream, { sockets, env }, profile ? { BENCH_PROFILE_DIR: profileDir } : {}, node.path);
          // Idle RSS: started, listening, nothing served yet.
          const idleRssMb = (await mark(child)).rss / 1024 / 1024;
          // Warm-up (JIT, sockets): not recorded.
          await load(port, WORKLOADS[1]!, 1, mock, child);
          if (profile) await ask(child, { type: 'profile-start' }, 'profile-started');
          return { child, port, idleRssMb };
        };
        let server = await start();
        try {
          for (const w of workloads) {
            if (w.steps && !STEP_VARIANTS.has(variant)) continue;
            if (w.steps) {
              if (w.env) {
                await stop(server.child);
                server = await start(w.env);
              }
              const { timeline = [] } = await load(server.port, w, stepSeconds(quick), mock, server.child);
              timelines.set(`${variant}|${node.version}|${w.name}`, timeline);
              for (const r of stepSummary(timeline)) {
                console.log(
                  `rep ${rep + 1} ${variant.padEnd(2)} ${w.name.padEnd(12)} ${r.step.padStart(8)}: in flight at the provider mean ${r.meanOpen.toFixed(0).padStart(3)}, most ${String(r.maxOpen).padStart(3)}; limit ${r.minLimit ?? '–'}–${r.maxLimit ?? '–'}, last ${r.lastLimit ?? '–'}`,
                );
              }
              continue;
            }
            if (w.ownProcess) {
              await stop(server.child);
              server = await start();
            }
            const m = { ...(await load(server.port, w, seconds, mock, server.child)), idleRssMb: server.idleRssMb };
            const key = `${variant}|${node.version}|${w.name}`;
            samples.set(key, [...(samples.get(key) ?? []), m]);
            console.log(
              `rep ${rep + 1} ${variant.padEnd(2)}${nodes.length > 1 ? ` ${node.version.padEnd(9)}` : ''} ${w.name.padEnd(12)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50.toFixed(0)} ms  p99 ${m.p99.toFixed(0)} ms  cpu ${m.cpuMsPerRequest.toFixed(3)} ms/req  calls/req ${m.callsPerRequest.toFixed(3)}${m.hotKeyCalls !== undefined ? ` (hot key ${m.hotKeyCalls})` : ''}  peak RSS ${m.peakRssMb.toFixed(0)} MB${m.nonData ? `  non-data ${m.nonData}` : ''}`,
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
      for (const node of nodes) {
        const ms = samples.get(`${variant}|${node.version}|${w.name}`) ?? [];
        if (ms.length === 0) continue;
        const med = (f: (m: Measured) => number) => median(ms.map(f));
        rows.push({
          workload: w.name,
          what: w.what,
          node: node.version,
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
  }

  const machine = machineFacts();
  const durationS = (Date.now() - t0) / 1000;
  const settings = { command, serverNode: versions[0]!, quick, seconds, reps, latencyMs, jitterMs, durationS, maxListenerWarnings: listenerWarnings(), sockets };
  mkdirSync(outDir, { recursive: true });
  if (profile) {
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const summary = summarize(files.map((f) => JSON.parse(readFileSync(join(profileDir, f), 'utf8'))));
    const text = renderSummary(`S under ${workloads.map((w) => w.name).join(' + ')} (${files.length} profile(s), ${new Date().toISOString()})`, summary);
    writeFileSync(join(profileDir, 'summary.md'), text);
    // The summary goes into bench/RESULTS.md too, above the previous run's (profile-block.ts).
    const results = join(BENCH_DIR, 'RESULTS.md');
    const current = existsSync(results) ? readFileSync(results, 'utf8') : '';
    writeFileSync(results, withBlock(current, 'profile', profileBlock(current, `${text.trimEnd()}\n\nServers on ${versions.join(', ')}.`, command)));
    console.log(text);
    console.log(`bench: profiles and summary.md in ${profileDir}`);
    return;
  }
  // The tables and the chart are the first line's; several lines are set side by side in a block.
  const firstLine = rows.filter((r) => r.node === versions[0]);
  const svgPath = join(outDir, 'results.svg');
  writeFileSync(svgPath, renderSvg(firstLine, variants));
  const resultsPath = join(outDir, 'RESULTS.md');
  let results = renderResults(firstLine, variants, machine, settings);
  const stepped = [...timelines].filter(([key]) => key.includes(`|${versions[0]}|`));
  if (stepped.length > 0) results = withBlock(results, 'adaptive-limit', asBlock('adaptive-limit', renderSteps(stepped, quick)));
  if (nodes.length > 1) {
    const block = asBlock('node-lines', renderNodeLines({ command, nodes: versions, variants, rows, machine, quick, seconds, reps, latencyMs, durationS }));
    results = withBlock(results, 'node-lines', block);
    // The comparison lands in bench/RESULTS.md also from a quick run: production's line is the one
    // whose figures count, and the block says how it was measured.
    const mainResults = join(BENCH_DIR, 'RESULTS.md');
    if (resolve(mainResults) !== resolve(resultsPath)) {
      writeFileSync(mainResults, withBlock(readFileSync(mainResults, 'utf8'), 'node-lines', block));
      console.log(`bench: wrote the Node.js lines block of ${mainResults}`);
    }
  }
  // The blocks other runs wrote (bench:replicas, an earlier comparison of Node.js lines) stay.
  writeFileSync(resultsPath, keepingBlocksOf(resultsPath, results));
  // A PNG too when rsvg-convert happens to be installed; the SVG is the chart otherwise.
  try {
    execFileSync('rsvg-convert', ['-o', join(outDir, 'results.png'), svgPath], { stdio: 'ignore' });
  } catch {
    /* not installed: SVG only */
  }
  console.log(`bench: wrote ${join(outDir, 'RESULTS.md')} and ${svgPath} in ${settings.durationS.toFixed(0)} s`);
}

await main();
