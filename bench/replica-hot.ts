/**
 * The hot key across replicas (bench/replicas.ts, part 2): 100 concurrent clients, spread evenly
 * over N S replicas (autocannon gives the connections to the URLs in turn), every query the
 * same one id, for longer than the answer's cache lifetime. Counted: the upstream calls for that
 * id (the mock's exact count) and the CPU of all replicas together per request.
 */
import { d7Id, makeRefs } from './ids.js';
import type { Shot } from './load.js';
import { countersSum } from './replica-counters.js';
import { measure, startReplica, stopAll, type Bench, type Replica } from './replica-window.js';
import { BENCH_QUERY } from './variants/common.js';

export interface HotSetup {
  name: string;
  replicas: number;
  redis: boolean;
}

export const HOT_SETUPS: HotSetup[] = [
  { name: '3 replicas + Redis', replicas: 3, redis: true },
  { name: '3 replicas, no Redis', replicas: 3, redis: false },
  { name: '1 replica, no Redis', replicas: 1, redis: false },
  { name: '1 replica + Redis', replicas: 1, redis: true },
];

export interface HotOptions {
  seconds: number;
  warmS: number;
  connections: number;
}

export interface HotSample {
  setup: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU of all replicas together per request, µs. */
  cpuUs: number;
  hotKeyCalls: number;
  /** Redis commands (INFO commandstats) and Redis CPU per request. */
  redisCommands: number;
  /** Redis commands the replicas say they sent (scripts count once), per request. */
  replicaCommands: number;
  redisCpuUs: number;
  /** Single-flight outcomes summed over the replicas (won, held, answered…), counts. */
  flights: Record<string, number>;
  /** Shared cache reads that hit, summed over the replicas, count. */
  tierHits: number;
  failures: number;
  nonData: number;
}

/** One point: N fresh replicas (default cache lifetimes), warmed on fresh ids, then the hot id. */
export async function measureHot(bench: Bench, setup: HotSetup, o: HotOptions, prefix: string): Promise<HotSample> {
  const env: Record<string, string> = setup.redis ? { REDIS_URL: bench.redis.url, REDIS_KEY_PREFIX: prefix } : {};
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < setup.replicas; i += 1) replicas.push(await startReplica(bench, env));
    // Warm-up (JIT, sockets) on ids never asked again: not measured.
    await measure(bench, replicas, [], 16 * setup.replicas, o.warmS, () => {
      const n = bench.nextRequest();
      return { n, body: JSON.stringify({ query: BENCH_QUERY, variables: { refs: makeRefs(bench.run, n, { size: 1, repeated: 0, providers: 'D7' }) } }) };
    });
    const hotId = d7Id(bench.run, bench.nextRequest(), 0);
    const shot: Shot = { n: 0, body: JSON.stringify({ query: BENCH_QUERY, variables: { refs: [{ provider: 'D7', id: hotId }] } }) };
    const window = await measure(bench, replicas, [], o.connections, o.seconds, () => shot, { hotKey: `D7:${hotId}` });
    const { fired } = window;
    const per = (x: number) => x / Math.max(1, fired.responses);
    const counters = countersSum(window.counters);
    return {
      setup: setup.name,
      requests: fired.responses,
      rps: fired.responses / fired.elapsedS,
      p50: fired.p50,
      p99: fired.p99,
      cpuUs: per(window.cpuMicros.reduce((a, b) => a + b, 0)),
      hotKeyCalls: window.upstream.keyCalls,
      redisCommands: per(window.redis.total),
      replicaCommands: per(Object.values(counters.commands).reduce((a, b) => a + b, 0)),
      redisCpuUs: per(window.redis.cpuMicros),
      flights: counters.flights,
      tierHits: counters.reads.hit ?? 0,
      failures: counters.failures,
      nonData: fired.nonData,
    };
  } finally {
    await stopAll(replicas);
    if (setup.redis) await bench.redis.forget(prefix);
  }
}
