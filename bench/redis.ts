/**
 * The Redis bench/replicas.ts points its replicas at, and what it reads from it: the commands
 * Redis ran and the CPU it spent (INFO commandstats / INFO cpu deltas around a point, so nothing
 * slows Redis down the way MONITOR would), and the removal of a point's keys afterwards.
 */
import { Redis } from 'ioredis';
import { pingRedis, startOwnRedis } from '../test/helpers/redis.js';

export interface RedisStats {
  /** Calls per command since Redis started (commands run by Lua scripts included). */
  calls: Record<string, number>;
  /** User + system CPU time of the Redis process, microseconds. */
  cpuMicros: number;
}

export interface BenchRedis {
  url: string;
  /** Which Redis this is, for the report. */
  origin: string;
  version: string;
  stats(): Promise<RedisStats>;
  /** Deletes every key under `prefix`; returns how many. */
  forget(prefix: string): Promise<number>;
  /** Disconnects, and stops the redis-server when it was started here. */
  close(): Promise<void>;
}

// Our own reads, not the replicas' work.
const OURS = new Set(['info', 'scan', 'unlink']);

/** Commands per kind and CPU between two readings; our own INFO calls are left out. */
export function statsDelta(before: RedisStats, after: RedisStats): { calls: Record<string, number>; total: number; cpuMicros: number } {
  const calls: Record<string, number> = {};
  let total = 0;
  for (const [name, n] of Object.entries(after.calls)) {
    const d = n - (before.calls[name] ?? 0);
    if (d <= 0 || OURS.has(name)) continue;
    calls[name] = d;
    total += d;
  }
  return { calls, total, cpuMicros: after.cpuMicros - before.cpuMicros };
}

/** `cmdstat_get:calls=10,usec=…` and `used_cpu_user:1.5` lines of INFO. */
export function parseInfo(text: string): RedisStats {
  const calls: Record<string, number> = {};
  let cpu = 0;
  for (const line of text.split(/\r?\n/)) {
    const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (cmd) calls[cmd[1]!] = Number(cmd[2]);
    const used = /^used_cpu_(user|sys):([\d.]+)$/.exec(line);
    if (used) cpu += Number(used[2]) * 1e6;
  }
  return { calls, cpuMicros: cpu };
}

/**
 * `choice`: 'auto' uses the Redis on 127.0.0.1:6379 when it answers PING, else starts Debian's
 * redis-server on a free port (no persistence); 'own' always starts one; anything else is a
 * redis:// URL. A shared Redis also counts other clients' commands: 'own' when that matters.
 */
export async function benchRedis(choice: string): Promise<BenchRedis> {
  let url: string;
  let origin: string;
  let stopOwn = async () => {};
  if (choice === 'own' || (choice === 'auto' && !(await pingRedis(6379)))) {
    const own = await startOwnRedis();
    url = own.url;
    origin = `own redis-server on 127.0.0.1:${own.port}, no persistence (started and stopped by the bench)`;
    stopOwn = () => own.stop();
  } else {
    url = choice === 'auto' ? 'redis://127.0.0.1:6379/0' : choice;
    origin = choice === 'auto' ? 'the Redis on 127.0.0.1:6379 (shared: its command counts include any other client active meanwhile)' : url.replace(/\/\/[^@/]*@/, '//…@');
  }
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
  return {
    url,
    origin,
    version,
    stats: async () => parseInfo(`${await client.info('commandstats')}\n${await client.info('cpu')}`),
    async forget(prefix) {
      let cursor = '0';
      let removed = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) removed += await client.unlink(...keys);
      } while (cursor !== '0');
      return removed;
    },
    async close() {
      client.disconnect();
      await stopOwn();
    },
  };
}
