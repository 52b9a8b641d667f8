/** bench/REPLICAS.md and the block of bench/RESULTS.md from the medians bench/replicas.ts measured. */
import type { HotSample } from './replica-hot.js';
import { SOURCE_NAMES, type LookupSample } from './replica-lookups.js';
import type { Machine } from './report.js';

export interface ReplicasSettings {
  quick: boolean;
  seconds: number;
  hotSeconds: number;
  warmS: number;
  reps: number;
  latencyMs: number;
  lookupConnections: number;
  hotConnections: number;
  /** CACHE_TTL_MOVING_MS of the part-1 replicas (raised), and the default the hot-key replicas keep. */
  movingTtlMs: number;
  defaultMovingTtlMs: number;
  poolRate: number;
  localPool: number;
  sockets: number;
  redis: string;
  redisVersion: string;
  durationS: number;
}

/** Medians over the repetitions, with every repetition's CPU and hot-key calls kept. */
export type LookupRow = LookupSample & { cpuAll: number[] };
export type HotRow = HotSample & { hotKeyCallsAll: number[]; flightsAll: Record<string, number>[]; caches: number };

export interface ReplicasRun {
  machine: Machine;
  settings: ReplicasSettings;
  lookups: LookupRow[];
  hot: HotRow[];
}

const f = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const list = (r: Record<string, number>, digits = 2) =>
  Object.entries(r)
    .filter(([, v]) => v >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(digits)}`)
    .join(', ') || '0';

/** Single-flight outcomes of each repetition, e.g. `won 4/5/4, held 8/7/8`. */
function flightsOf(all: Record<string, number>[]): string {
  const events = [...new Set(all.flatMap((r) => Object.keys(r)))].sort();
  return events.length ? events.map((e) => `${e} ${all.map((r) => r[e] ?? 0).join('/')}`).join(', ') : '–';
}

/** Hot-key calls allowed: one per cache lifetime started, per independent cache. */
export const hotBound = (seconds: number, ttlMs: number, caches: number) => caches * (Math.floor((seconds * 1000) / ttlMs) + 1);

function lookupTables(run: ReplicasRun): string[] {
  const { settings: s, lookups } = run;
  const local = lookups.find((r) => r.source === 'local');
  const lines: string[] = [];
  lines.push(`### Cost of one lookup by where its answer comes from`, '');
  lines.push(
    `1 id per query, ${s.lookupConnections} connections, ${s.seconds} s per point, median of ${s.reps}; CPU is the answering replica's, per request. Redis commands per request: *sent* as the replica counts them (its \`/metrics\`; a script is one), *run* as Redis counts them (INFO commandstats; the commands a script runs included); Redis CPU from INFO too. *Redis reads* is the replica's own count of its shared cache reads (\`redis_cache_reads_total\`). \`CACHE_TTL_MOVING_MS=${s.movingTtlMs}\` here, so no answer expires during a point.`,
    '',
  );
  lines.push('| answer from | req/s | p50 ms | p99 ms | CPU µs/req | vs local hit | Redis commands/req: sent / run | Redis CPU µs/req | upstream calls/req | Redis reads/req: hit / miss | non-data |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of lookups) {
    lines.push(
      `| ${SOURCE_NAMES[r.source]} | ${f(r.rps)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.cpuUs)} | ${f(ratio(r.cpuUs, local?.cpuUs), 2)} | ${f(total(r.replicaCommands), 2)} / ${f(r.redisCommands, 2)} | ${f(r.redisCpuUs, 1)} | ${f(r.upstreamCalls, 3)} | ${f(r.tierHits, 2)} / ${f(r.tierMisses, 2)} | ${f(r.nonData)} |`,
    );
  }
  lines.push('', 'Redis commands per request, by command:', '');
  lines.push('| answer from | sent, by the code\'s name (the replica\'s count) | run, by Redis command (INFO commandstats) |', '|---|---|---|');
  for (const r of lookups) lines.push(`| ${SOURCE_NAMES[r.source]} | ${list(r.replicaCommands)} | ${list(r.redisByCommand)} |`);
  const redis = lookups.find((r) => r.source === 'redis');
  lines.push('');
  if (redis?.otherCpuUs !== undefined)
    lines.push(`Replica A, which filled Redis and took no requests during the Redis-tier point, spent ${f(redis.otherCpuUs)} µs of CPU per request of replica B meanwhile (the status events B published).`);
  // Replicas without Redis send nothing: whatever Redis ran meanwhile came from other clients.
  const background = lookups.find((r) => r.source === 'upstream')?.redisCommands ?? 0;
  if (background >= 0.005)
    lines.push(`Redis ran ${f(background, 2)} commands per request during the point whose replica has no Redis: other clients of a shared Redis, counted in every *run* and Redis CPU figure (\`--redis own\` for a Redis of the bench's own); the *sent* figures are exact.`);
  const cut = lookups.filter((r) => r.overrun > 0 || r.failures > 0);
  for (const r of cut) lines.push(`**${SOURCE_NAMES[r.source]}**: ${r.overrun} requests after the id pool ran out (raise \`--pool-rate\`), ${r.failures} Redis commands failed.`);
  lines.push(`CPU µs/req of each repetition: ${lookups.map((r) => `${r.source} ${r.cpuAll.map((c) => f(c)).join('/')}`).join('; ')}.`, '');
  return lines;
}

function hotTable(run: ReplicasRun): string[] {
  const { settings: s, hot } = run;
  const single = hot.find((r) => r.caches === 1 && r.setup.startsWith('1 replica, no'));
  const ttlS = s.defaultMovingTtlMs / 1000;
  const lines: string[] = [];
  lines.push('### Hot key across replicas', '');
  lines.push(
    `${s.hotConnections} connections spread evenly over the replicas (autocannon gives them to the URLs in turn: 34/33/33), every query the same one id, ${s.hotSeconds} s per point, median of ${s.reps}. Default cache lifetimes: the answer (DELIVERED, moving) is kept ${ttlS} s, so a point spans ${Math.floor(s.hotSeconds / ttlS) + 1} lifetimes. CPU is all replicas' together, per request. *bound*: one call per lifetime per independent cache (each replica without Redis, all of them with it).`,
    '',
  );
  lines.push('| setup | req/s | p50 ms | p99 ms | CPU µs/req (all replicas) | vs 1 replica, no Redis | upstream calls for the hot id (each rep) | bound | Redis commands/req: sent / run | Redis CPU µs/req | single flight, sum over replicas (each rep) | non-data |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  const over: string[] = [];
  for (const r of hot) {
    const bound = hotBound(s.hotSeconds, s.defaultMovingTtlMs, r.caches);
    if (Math.max(...r.hotKeyCallsAll) > bound) over.push(r.setup);
    lines.push(
      `| ${r.setup} | ${f(r.rps)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.cpuUs)} | ${f(ratio(r.cpuUs, single?.cpuUs), 2)} | ${f(r.hotKeyCalls)} (${r.hotKeyCallsAll.join('/')}) | ≤ ${bound}${Math.max(...r.hotKeyCallsAll) > bound ? ' **over**' : ''} | ${f(r.replicaCommands, 3)} / ${f(r.redisCommands, 3)} | ${f(r.redisCpuUs, 1)} | ${flightsOf(r.flightsAll)} | ${f(r.nonData)} |`,
    );
  }
  lines.push('');
  if (over.length > 0)
    lines.push(
      `**Over the bound** (${over.join(', ')}): more locks were won than lifetimes began (single flight \`won\`), so some replica called although another had already called in that lifetime (for example a lock that expired during a slow call, or a replica whose process cache outlived the shared entry).`,
      '',
    );
  return lines;
}

const READING = [
  '### How to read',
  '',
  "A lookup's cost is the CPU the answering replica spends per request of one id: the whole request (HTTP, GraphQL, authentication, the lookup, the answer), so the differences between rows are what the source of the answer adds. A **local hit** is the floor. A **Redis-tier hit** adds one round trip (a script that answers the entry, or takes the single-flight lock when there is none), decoding and checking the stored JSON (zod) and the status merge into the process cache; an answer read from the shared tier is not published again, so the other replicas pay nothing for it (replica A's CPU per request of B). An **upstream call** adds the provider call through the bulkhead, breaker and retry policy and the body's validation; with Redis it also pays that round trip before the call, and after it a merge-checked write-back, a release and a status event (the commands by name). The answer's JSON goes to Redis twice (the cache entry and the status event; the release is a wake-up, and waiters read the entry): encoding it and writing it to the socket are most of what the profile shows on top of the upstream call without Redis. The one round trip before the call waits its turn on a busy event loop: that is where the extra latency comes from. CPU per request also rises when a replica serves fewer requests per second (less batching of socket writes), which is part of the gap between the upstream rows and the hits.",
  '',
  "The hot-key table shows what Redis buys across replicas: without it each replica calls for the hot id once per lifetime (3 replicas: 3 times the calls); with it the replicas share one call per lifetime (single flight: one replica wins the lock, the others wait for its answer), at a few Redis commands per lifetime, not per request: the hot path stays a local hit. CPU per request of three replicas on two cores is above one replica's, with or without Redis: three event loops share the same cores and each batches less. Only ratios within one run mean much (2 shared cores: the replicas, Redis, the mock and the load generator compete for them). `npm run bench:replicas -- --profile` profiles the answering replica of each lookup point (bench/profiles/).",
  '',
];

/** The tables alone (the bench/RESULTS.md block). */
export function renderBlock(run: ReplicasRun): string {
  return [
    '## Replicas and the Redis tier',
    '',
    `Written by \`npm run bench:replicas\` (bench/replicas.ts) on ${run.machine.date}; \`bench/REPLICAS.md\` has the settings and the reading. Kept when \`npm run bench\` rewrites this file.`,
    '',
    ...lookupTables(run),
    ...hotTable(run),
  ].join('\n');
}

export function renderReplicas(run: ReplicasRun): string {
  const { machine: m, settings: s } = run;
  return [
    '# Replicas and the Redis tier: benchmark',
    '',
    `Written by \`npm run bench:replicas${s.quick ? ' -- --quick' : ''}\` (bench/replicas.ts) on ${m.date}. Regenerate with the same command; figures vary by machine, ratios much less.`,
    '',
    '## Machine and settings',
    '',
    `- CPU: ${m.cpuModel}, ${m.cpus} cores available; memory ${m.memGb.toFixed(1)} GB; ${m.os}; Node ${m.node}; load average at the end ${m.loadavg.map((l) => l.toFixed(2)).join(', ')}`,
    `- Redis ${s.redisVersion}: ${s.redis}; a key prefix of its own per point (\`REDIS_KEY_PREFIX\`), its keys deleted after it`,
    `- each S replica in its own process, compiled, as \`npm run bench\` runs it (defaults, live mode against the loopback mock, API keys, rate limit off, ${s.sockets} upstream sockets); mock upstream latency ${s.latencyMs} ms; whole run ${Math.round(s.durationS)} s`,
    `- lookup cost: ${s.lookupConnections} connections, ${s.warmS} s warm-up then ${s.seconds} s per point, ${s.reps} repetition(s) in rotating order, fresh processes each; **\`CACHE_TTL_MOVING_MS=${s.movingTtlMs}\`** (default ${s.defaultMovingTtlMs}): the mock answers DELIVERED, a moving state, and no entry may expire in the middle of a point`,
    `- local hit: a pool of ${s.localPool} ids asked once in batches of 100 (so they are in the process cache), then asked in turn; Redis-tier hit: replica A asks a pool of ${s.poolRate} ids per second of load in batches of 100 (into Redis), then replica B starts (an empty process cache; it heard none of A's status events) and is asked each pool id exactly once; upstream: ids never asked before`,
    `- hot key: ${s.hotConnections} connections, ${s.hotSeconds} s per point, default cache lifetimes, replicas warmed on other ids first`,
    '',
    '## Figures',
    '',
    ...lookupTables(run),
    ...hotTable(run),
    ...READING,
  ].join('\n');
}
