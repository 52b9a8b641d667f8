/**
 * The cost of one lookup by where its answer comes from (bench/replicas.ts, part 1): queries of
 * one id each, on S replicas in their own processes, measured on the replica that answers.
 *
 * - local: S (with REDIS_URL) answering ids already in its process cache;
 * - redis: replica B, started after replica A put the ids into Redis, so B's process cache is
 *   empty and it never heard A's status events; each id is asked of B exactly once;
 * - upstream-redis / upstream: ids never seen, with Redis (local miss, Redis miss, lock,
 *   upstream call, write back, release) and without.
 */
import { BENCH_QUERY } from './variants/common.js';
import { d7Id, makeRefs } from './ids.js';
import { ERRORED, type Shot } from './load.js';
import { benchKey } from './credentials.js';
import { measure, startReplica, stopAll, type Bench, type Replica, type Window } from './replica-window.js';
import { countersSum } from './replica-counters.js';

export type Source = 'local' | 'redis' | 'upstream-redis' | 'upstream';
export const SOURCES: Source[] = ['local', 'redis', 'upstream-redis', 'upstream'];

export const SOURCE_NAMES: Record<Source, string> = {
  local: 'local hit (process cache), S with Redis',
  redis: 'Redis-tier hit (local miss, answer in Redis)',
  'upstream-redis': 'upstream call, S with Redis',
  upstream: 'upstream call, S without Redis',
};

export interface LookupOptions {
  seconds: number;
  /** Warm-up load of the answering replica (JIT, sockets) before the window; not measured. */
  warmS: number;
  connections: number;
  /** Requests per second the id pools are sized for (pool = rate × time); more is an overrun. */
  poolRate: number;
  /** CACHE_TTL_MOVING_MS of every replica here: the mock answers DELIVERED, a moving state. */
  movingTtlMs: number;
  /** Ids in the local-hit pool, cycled through. */
  localPool: number;
  /** Set: a CPU profile of the answering replica's measured window is written there. */
  profileDir?: string;
}

export interface LookupSample {
  source: Source;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU of the answering replica per request, µs. */
  cpuUs: number;
  /** CPU of the other replicas per request of the answering one, µs (redis: replica A). */
  otherCpuUs: number | undefined;
  upstreamCalls: number;
  /** Redis commands (INFO commandstats) per request, total and by command. */
  redisCommands: number;
  redisByCommand: Record<string, number>;
  redisCpuUs: number;
  /** The answering replica's own count: shared cache reads that hit / missed, commands sent, per request. */
  tierHits: number;
  tierMisses: number;
  replicaCommands: Record<string, number>;
  failures: number;
  nonData: number;
  /** Requests sent after the id pool was used up (should be 0: raise --pool-rate). */
  overrun: number;
}

const oneId = (id: string) => JSON.stringify({ query: BENCH_QUERY, variables: { refs: [{ provider: 'D7', id }] } });
const PER_BATCH = 100;

/** `size` ids, in batches of 100 under request numbers of their own. */
function reservePool(bench: Bench, size: number): { batches: number[]; ids: string[] } {
  const batches = Array.from({ length: Math.ceil(size / PER_BATCH) }, () => bench.nextRequest());
  return { batches, ids: batches.flatMap((n) => Array.from({ length: PER_BATCH }, (_, slot) => d7Id(bench.run, n, slot))).slice(0, size) };
}

/** Asks `replica` for every id of the pool, 100 per query, a few queries at a time; every answer must be data. */
async function warmPool(replica: Replica, bench: Bench, batches: number[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const refs = makeRefs(bench.run, batches[next++]!, { size: PER_BATCH, repeated: 0, providers: 'D7' });
      const res = await fetch(`${replica.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': benchKey(0) },
        body: JSON.stringify({ query: BENCH_QUERY, variables: { refs } }),
      });
      const text = await res.text();
      if (res.status !== 200 || ERRORED.test(text)) throw new Error(`warming the id pool failed: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Requests for `ids` in turn, over and over. */
const cycling = (ids: string[]) => {
  const bodies = ids.map(oneId);
  let i = 0;
  return (): Shot => ({ n: 0, body: bodies[i++ % bodies.length]! });
};

/** Requests for `ids`, each once; past the end (`overrun`) it stops the load and repeats ids. */
function onceEach(ids: string[]) {
  const bodies = ids.map(oneId);
  const state = { i: 0, overrun: 0 };
  const next = (stop: () => void): Shot => {
    if (state.i >= bodies.length) {
      state.overrun += 1;
      stop();
    }
    return { n: 0, body: bodies[state.i++ % bodies.length]! };
  };
  return { next, state };
}

/** One id never asked before per request. */
const fresh = (bench: Bench) => (): Shot => {
  const n = bench.nextRequest();
  return { n, body: JSON.stringify({ query: BENCH_QUERY, variables: { refs: makeRefs(bench.run, n, { size: 1, repeated: 0, providers: 'D7' }) } }) };
};

/** One point: fresh processes, warmed, then one measured window. `prefix`: this point's REDIS_KEY_PREFIX. */
export async function measureLookup(bench: Bench, source: Source, o: LookupOptions, prefix: string): Promise<LookupSample> {
  const ttl = { CACHE_TTL_MOVING_MS: String(o.movingTtlMs) };
  const withRedis = { ...ttl, REDIS_URL: bench.redis.url, REDIS_KEY_PREFIX: prefix };
  const started: Replica[] = [];
  const start = async (env: Record<string, string>, answering = true) => {
    const replica = await startReplica(bench, env, answering ? o.profileDir : undefined);
    started.push(replica);
    return replica;
  };
  const profile = { profile: o.profileDir !== undefined };
  try {
    let window: Window;
    let overrun = 0;
    if (source === 'local') {
      const replica = await start(withRedis);
      const pool = reservePool(bench, o.localPool);
      await warmPool(replica, bench, pool.batches);
      await measure(bench, [replica], [], o.connections, o.warmS, cycling(pool.ids));
      window = await measure(bench, [replica], [], o.connections, o.seconds, cycling(pool.ids), profile);
    } else if (source === 'redis') {
      const a = await start(withRedis, false);
      const warmCount = Math.ceil(o.poolRate * o.warmS);
      const pool = reservePool(bench, warmCount + Math.ceil(o.poolRate * o.seconds));
      await warmPool(a, bench, pool.batches);
      // Started after the warm-up: its process cache is empty and it heard none of A's events.
      const b = await start(withRedis);
      await measure(bench, [b], [a], o.connections, o.warmS, onceEach(pool.ids.slice(0, warmCount)).next);
      const measured = onceEach(pool.ids.slice(warmCount));
      window = await measure(bench, [b], [a], o.connections, o.seconds, measured.next, profile);
      overrun = measured.state.overrun;
    } else {
      const replica = await start(source === 'upstream' ? ttl : withRedis);
      await measure(bench, [replica], [], o.connections, o.warmS, fresh(bench));
      window = await measure(bench, [replica], [], o.connections, o.seconds, fresh(bench), profile);
    }
    const { fired } = window;
    const per = (x: number) => x / Math.max(1, fired.responses);
    const perEach = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, per(v)]));
    const counters = countersSum(window.counters);
    return {
      source,
      requests: fired.responses,
      rps: fired.responses / fired.elapsedS,
      p50: fired.p50,
      p99: fired.p99,
      cpuUs: per(window.cpuMicros[0]!),
      otherCpuUs: window.cpuMicros.length > 1 ? per(window.cpuMicros.slice(1).reduce((a, b) => a + b, 0)) : undefined,
      // Fresh ids name their request: exact calls for the requests answered. Pools: every call.
      upstreamCalls: source.startsWith('upstream') ? window.upstream.forRequests / Math.max(1, fired.completed.length) : per(window.upstream.total),
      redisCommands: per(window.redis.total),
      redisByCommand: perEach(window.redis.calls),
      redisCpuUs: per(window.redis.cpuMicros),
      tierHits: per(counters.reads.hit ?? 0),
      tierMisses: per(counters.reads.miss ?? 0),
      replicaCommands: perEach(counters.commands),
      failures: counters.failures,
      nonData: fired.nonData,
      overrun,
    };
  } finally {
    await stopAll(started);
    await bench.redis.forget(prefix);
  }
}
