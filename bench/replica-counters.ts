/**
 * What a replica says it did with Redis, from its own /metrics: shared cache reads by result,
 * single-flight outcomes, commands sent (by the code's name for them) and failed. Exact per
 * replica, unlike INFO commandstats, which counts every client of a shared Redis.
 */
import { sample } from '../test/helpers/prometheus.js';

export interface ReplicaCounters {
  /** redis_cache_reads_total by result (hit, miss, invalid, unavailable). */
  reads: Record<string, number>;
  /** redis_single_flight_total by event (won, held, unavailable, answered, no_answer, timed_out). */
  flights: Record<string, number>;
  /** Redis commands that answered, by the code's name (cache_get, flight_release…). */
  commands: Record<string, number>;
  failures: number;
}

const byLabel = (text: string, name: string, label: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${name}\\{(?:[^}]*,)?${label}="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'))) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
};

/** Read outside the CPU marks: a scrape costs the replica CPU of its own. */
export async function replicaCounters(port: number): Promise<ReplicaCounters> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return {
    reads: byLabel(text, 'redis_cache_reads_total', 'result'),
    flights: byLabel(text, 'redis_single_flight_total', 'event'),
    commands: byLabel(text, 'redis_command_duration_seconds_count', 'command'),
    failures: sample(text, 'redis_command_failures_total'),
  };
}

const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0)) as Record<string, number>;
const plus = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** What happened between two readings. */
export const countersDelta = (before: ReplicaCounters, after: ReplicaCounters): ReplicaCounters => ({
  reads: minus(after.reads, before.reads),
  flights: minus(after.flights, before.flights),
  commands: minus(after.commands, before.commands),
  failures: after.failures - before.failures,
});

/** Several replicas' deltas together. */
export const countersSum = (all: ReplicaCounters[]): ReplicaCounters =>
  all.reduce((s, c) => ({ reads: plus(s.reads, c.reads), flights: plus(s.flights, c.flights), commands: plus(s.commands, c.commands), failures: s.failures + c.failures }), { reads: {}, flights: {}, commands: {}, failures: 0 });
