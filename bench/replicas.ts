/**
 * Replicas and the Redis tier (issue 15): what a lookup costs by where its answer comes from
 * (process cache, Redis, upstream with and without Redis), and the hot key across 3 replicas
 * with and without Redis (upstream calls, CPU per request). S replicas run in processes of
 * their own (bench/server-child.ts) against the loopback mock (bench/mock-child.ts), loaded by
 * autocannon from this process, as in bench/run.ts; only ratios within one run are compared.
 *
 *   npm run bench:replicas                 full run → bench/REPLICAS.md and the replicas block of bench/RESULTS.md
 *   npm run bench:replicas -- --quick      smoke run (about a minute) → reports/bench-replicas-quick/REPLICAS.md
 *   npm run bench:replicas -- --profile    CPU profile of the answering replica of each lookup point → bench/profiles/
 *   options: --seconds N (lookup points) --hot-seconds N --reps N --latency MS --redis auto|own|redis://…
 *            --pool-rate N (req/s the Redis-tier id pool is sized for) --moving-ttl MS --out DIR
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { BENCH_DIR, buildChildren, median, startMock, stop } from './processes.js';
import { HOT_SETUPS, measureHot, type HotSample } from './replica-hot.js';
import { measureLookup, SOURCES, type LookupSample, type Source } from './replica-lookups.js';
import type { Bench } from './replica-window.js';
import { benchRedis } from './redis.js';
import { renderBlock, renderReplicas, type HotRow, type LookupRow, type ReplicasSettings } from './replicas-report.js';
import { renderSummary, summarize } from './profile-summary.js';
import { machineFacts } from './report.js';
import { asBlock, withBlock } from './results-block.js';
import { providers } from '../src/providers/registry.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    'hot-seconds': { type: 'string' },
    reps: { type: 'string' },
    latency: { type: 'string', default: '20' },
    redis: { type: 'string', default: 'auto' },
    'pool-rate': { type: 'string', default: '5000' },
    'moving-ttl': { type: 'string', default: '600000' },
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
// --profile: the lookup points only, once each, the answering replica under the V8 profiler; each
// profile is summarized by package and function (bench/profile-summary.ts) into bench/profiles/.
const profile = args.profile;
const profileRoot = join(BENCH_DIR, 'profiles', `replicas-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const quick = args.quick;
const DEFAULT_MOVING_TTL_MS = loadConfig({}, providers).cache.movingTtlMs;
const settings: Omit<ReplicasSettings, 'redis' | 'redisVersion' | 'durationS'> = {
  quick,
  seconds: Number(args.seconds ?? (quick ? 2 : 5)),
  // Longer than two lifetimes of the answer, so the hot key is fetched again several times.
  hotSeconds: Number(args['hot-seconds'] ?? (quick ? 6 : 16)),
  warmS: quick ? 0.5 : 1,
  reps: Number(args.reps ?? (quick || profile ? 1 : 3)),
  latencyMs: Number(args.latency),
  // As bench/run.ts: 16 connections for the per-lookup figures, 100 clients on the hot key.
  lookupConnections: 16,
  hotConnections: 100,
  movingTtlMs: Number(args['moving-ttl']),
  defaultMovingTtlMs: DEFAULT_MOVING_TTL_MS,
  poolRate: Number(args['pool-rate']),
  localPool: 1000,
  sockets: 256,
};
// The smoke run leaves out the setup the issue does not ask for (one replica with Redis).
const hotSetups = profile ? [] : quick ? HOT_SETUPS.slice(0, 3) : HOT_SETUPS;
const outDir = args.out ?? (quick ? 'reports/bench-replicas-quick' : BENCH_DIR);

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const rotate = <T>(xs: readonly T[], by: number) => xs.map((_, i) => xs[(i + by) % xs.length]!);
const medianOf = <T>(samples: T[], pick: (s: T) => number) => median(samples.map(pick));
function medianRecord(records: Record<string, number>[]): Record<string, number> {
  const keys = new Set(records.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, median(records.map((r) => r[k] ?? 0))]));
}

function lookupRow(samples: LookupSample[]): LookupRow {
  const m = (pick: (s: LookupSample) => number) => medianOf(samples, pick);
  const other = samples.map((s) => s.otherCpuUs).filter((x): x is number => x !== undefined);
  return {
    source: samples[0]!.source,
    requests: m((s) => s.requests),
    rps: m((s) => s.rps),
    p50: m((s) => s.p50),
    p99: m((s) => s.p99),
    cpuUs: m((s) => s.cpuUs),
    otherCpuUs: other.length ? median(other) : undefined,
    upstreamCalls: m((s) => s.upstreamCalls),
    redisCommands: m((s) => s.redisCommands),
    redisByCommand: medianRecord(samples.map((s) => s.redisByCommand)),
    redisCpuUs: m((s) => s.redisCpuUs),
    tierHits: m((s) => s.tierHits),
    tierMisses: m((s) => s.tierMisses),
    replicaCommands: medianRecord(samples.map((s) => s.replicaCommands)),
    // Totals over the repetitions: any is worth a note.
    failures: samples.reduce((a, s) => a + s.failures, 0),
    nonData: m((s) => s.nonData),
    overrun: samples.reduce((a, s) => a + s.overrun, 0),
    cpuAll: samples.map((s) => s.cpuUs),
  };
}

function hotRow(samples: HotSample[]): HotRow {
  const m = (pick: (s: HotSample) => number) => medianOf(samples, pick);
  const setup = hotSetups.find((h) => h.name === samples[0]!.setup)!;
  return {
    setup: setup.name,
    requests: m((s) => s.requests),
    rps: m((s) => s.rps),
    p50: m((s) => s.p50),
    p99: m((s) => s.p99),
    cpuUs: m((s) => s.cpuUs),
    hotKeyCalls: m((s) => s.hotKeyCalls),
    redisCommands: m((s) => s.redisCommands),
    replicaCommands: m((s) => s.replicaCommands),
    redisCpuUs: m((s) => s.redisCpuUs),
    flights: medianRecord(samples.map((s) => s.flights)),
    tierHits: m((s) => s.tierHits),
    failures: samples.reduce((a, s) => a + s.failures, 0),
    nonData: m((s) => s.nonData),
    hotKeyCallsAll: samples.map((s) => s.hotKeyCalls),
    flightsAll: samples.map((s) => s.flights),
    caches: setup.redis ? 1 : setup.replicas,
  };
}

async function main() {
  const t0 = Date.now();
  const s = settings;
  console.log(
    `bench:replicas: ${quick ? 'quick' : 'full'}; lookups ${SOURCES.length} × ${s.seconds} s, hot key ${hotSetups.length} × ${s.hotSeconds} s, × ${s.reps} rep(s); upstream latency ${s.latencyMs} ms; CACHE_TTL_MOVING_MS=${s.movingTtlMs} for the lookup points (default ${DEFAULT_MOVING_TTL_MS}, kept for the hot key)`,
  );
  buildChildren();
  const redis = await benchRedis(args.redis);
  console.log(`bench:replicas: Redis ${redis.version}, ${redis.origin}`);
  const { mock, upstream } = await startMock(s.latencyMs, 0);
  // One run number per invocation: ids never repeat across runs sharing a Redis.
  const run = Math.floor(Math.random() * 0xffffffff);
  let request = 0;
  let point = 0;
  const prefix = () => `bench:replicas:${run.toString(16)}:${++point}:`;
  const bench: Bench = { mock, upstream, redis, sockets: s.sockets, run, nextRequest: () => ++request };
  const lookups = new Map<Source, LookupSample[]>();
  const hot = new Map<string, HotSample[]>();
  try {
    for (let rep = 0; rep < s.reps; rep += 1) {
      // Rotated each repetition so no point always runs first or last.
      for (const source of rotate(SOURCES, rep)) {
        const profileDir = profile ? join(profileRoot, source) : undefined;
        if (profileDir) mkdirSync(profileDir, { recursive: true });
        const m = await measureLookup(bench, source, { ...s, connections: s.lookupConnections, profileDir }, prefix());
        lookups.set(source, [...(lookups.get(source) ?? []), m]);
        console.log(
          `rep ${rep + 1} ${source.padEnd(14)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  cpu ${m.cpuUs.toFixed(0)} µs/req${m.otherCpuUs !== undefined ? ` (+${m.otherCpuUs.toFixed(0)} on A)` : ''}  redis ${sum(m.replicaCommands).toFixed(2)}/${m.redisCommands.toFixed(2)} cmd/req (sent/run)  upstream ${m.upstreamCalls.toFixed(3)}/req  tier hit/miss ${m.tierHits.toFixed(2)}/${m.tierMisses.toFixed(2)}${m.overrun ? `  OVERRUN ${m.overrun}` : ''}${m.nonData ? `  non-data ${m.nonData}` : ''}`,
        );
      }
      for (const setup of rotate(hotSetups, rep)) {
        const m = await measureHot(bench, setup, { seconds: s.hotSeconds, warmS: s.warmS, connections: s.hotConnections }, prefix());
        hot.set(setup.name, [...(hot.get(setup.name) ?? []), m]);
        console.log(
          `rep ${rep + 1} ${setup.name.padEnd(22)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  cpu ${m.cpuUs.toFixed(0)} µs/req  hot key ${m.hotKeyCalls} calls  redis ${m.replicaCommands.toFixed(3)}/${m.redisCommands.toFixed(3)} cmd/req (sent/run)${m.nonData ? `  non-data ${m.nonData}` : ''}`,
        );
      }
    }
  } finally {
    await stop(mock);
    await redis.close();
  }

  if (profile) {
    const text = SOURCES.map((source) => {
      const dir = join(profileRoot, source);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      return renderSummary(`${source}: the answering replica (${files.length} profile(s))`, summarize(files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))));
    }).join('\n');
    writeFileSync(join(profileRoot, 'summary.md'), text);
    console.log(text);
    console.log(`bench:replicas: profiles and summary.md in ${profileRoot}`);
    return;
  }
  const result = {
    machine: machineFacts(),
    settings: { ...s, redis: redis.origin, redisVersion: redis.version, durationS: (Date.now() - t0) / 1000 },
    lookups: SOURCES.map((source) => lookupRow(lookups.get(source)!)),
    hot: hotSetups.map((h) => hotRow(hot.get(h.name)!)),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'REPLICAS.md'), renderReplicas(result));
  // The full run also puts its tables into RESULTS.md, in a block `npm run bench` keeps.
  if (!quick) {
    const resultsPath = join(outDir, 'RESULTS.md');
    let existing = '';
    try {
      existing = readFileSync(resultsPath, 'utf8');
    } catch {
      /* no RESULTS.md yet: the block is the file */
    }
    writeFileSync(resultsPath, withBlock(existing, 'replicas', asBlock('replicas', renderBlock(result))));
  }
  console.log(`bench:replicas: wrote ${join(outDir, 'REPLICAS.md')}${quick ? '' : ` and the replicas block of ${join(outDir, 'RESULTS.md')}`} in ${result.settings.durationS.toFixed(0)} s`);
}

await main();
