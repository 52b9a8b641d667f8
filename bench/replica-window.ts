/**
 * One measured window of bench/replicas.ts over one or more S replicas: everything read just
 * before and just after the load, so each figure covers the same requests. CPU comes from the
 * replicas' own process.cpuUsage() (IPC marks), Redis work from INFO deltas, Redis use as each
 * replica counts it from its /metrics, and upstream calls from the mock's exact counts.
 */
import type { ChildProcess } from 'node:child_process';
import { fire, type Fired, type Shot } from './load.js';
import type { MockCounts } from './mock-child.js';
import { ask, drain, mark, mockCounts, startServer, stop } from './processes.js';
import { statsDelta, type BenchRedis } from './redis.js';
import { countersDelta, replicaCounters, type ReplicaCounters } from './replica-counters.js';
import type { Upstream } from './variants/common.js';

/** What every point needs: the mock, the Redis, request numbers unique in the run. */
export interface Bench {
  mock: ChildProcess;
  upstream: Upstream;
  redis: BenchRedis;
  /** Upstream sockets per provider and bulkhead of each S (as in bench/run.ts). */
  sockets: number;
  /** Run number inside every id (bench/ids.ts). */
  run: number;
  /** A request number no other request of this run had. */
  nextRequest(): number;
}

export interface Replica {
  child: ChildProcess;
  port: number;
  url: string;
}

/**
 * An S process; `env` is its configuration over the bench defaults (REDIS_URL…). With
 * `profileDir` it can take a CPU profile of a window on request (bench/server-child.ts).
 */
export async function startReplica(bench: Bench, env: Record<string, string>, profileDir?: string): Promise<Replica> {
  const { child, port } = await startServer('S', bench.upstream, { sockets: bench.sockets, env }, profileDir ? { BENCH_PROFILE_DIR: profileDir } : {});
  return { child, port, url: `http://127.0.0.1:${port}` };
}

/** Stops every replica, even when one fails to stop. */
export const stopAll = (replicas: Replica[]) => Promise.allSettled(replicas.map((r) => stop(r.child)));

export interface Window {
  fired: Fired;
  /** CPU time of each measured replica during the load, microseconds (same order as given). */
  cpuMicros: number[];
  /** Redis commands (INFO commandstats) and Redis CPU during the load. */
  redis: ReturnType<typeof statsDelta>;
  /** Each loaded replica's own count of its Redis use (only replicas with REDIS_URL report any). */
  counters: ReplicaCounters[];
  upstream: MockCounts;
}

/**
 * Loads `loaded` (connections spread over them) for `durationS` and measures `loaded` plus
 * `watched` (replicas that are not loaded but may work meanwhile, e.g. hearing status events).
 */
export async function measure(
  bench: Bench,
  loaded: Replica[],
  watched: Replica[],
  connections: number,
  durationS: number,
  next: (stop: () => void) => Shot,
  options: { hotKey?: string; profile?: boolean } = {},
): Promise<Window> {
  const all = [...loaded, ...watched];
  await ask(bench.mock, { type: 'reset' }, 'reset');
  const countersBefore = await Promise.all(loaded.map((r) => replicaCounters(r.port)));
  const redisBefore = await bench.redis.stats();
  // A profile covers the load only; its own cost lands in the CPU figures (a profile run is for reading, not for figures).
  if (options.profile) await Promise.all(loaded.map((r) => ask(r.child, { type: 'profile-start' }, 'profile-started')));
  const before = await Promise.all(all.map((r) => mark(r.child)));
  const fired = await fire(loaded.map((r) => r.url), connections, durationS, next);
  const after = await Promise.all(all.map((r) => mark(r.child)));
  if (options.profile) await Promise.all(loaded.map((r) => ask(r.child, { type: 'profile-stop' }, 'profile-stopped')));
  const redisAfter = await bench.redis.stats();
  const countersAfter = await Promise.all(loaded.map((r) => replicaCounters(r.port)));
  const upstream = await mockCounts(bench.mock, fired.completed, options.hotKey);
  if (fired.nonDataSample) console.log(`  non-data answer, e.g.: ${fired.nonDataSample}`);
  await drain(bench.mock);
  return {
    fired,
    cpuMicros: after.map((a, i) => a.cpuMicros - before[i]!.cpuMicros),
    redis: statsDelta(redisBefore, redisAfter),
    counters: countersAfter.map((a, i) => countersDelta(countersBefore[i]!, a)),
    upstream,
  };
}
