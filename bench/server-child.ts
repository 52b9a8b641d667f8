/**
 * One variant's server as its own process, so CPU time and RSS are that server's alone.
 * Reports process.cpuUsage() and RSS (peak sampled every 20 ms) over IPC when bench/run.ts or
 * bench/replicas.ts asks.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import type { Running } from './variants/serve.js';
import type { Upstream } from './variants/common.js';

export interface VariantOptions {
  /** Upstream sockets per provider (and S's bulkhead), the same for B0, N and S. */
  sockets: number;
  /**
   * More configuration variables for S (loadConfig input, over the bench's own): REDIS_URL,
   * REDIS_KEY_PREFIX, CACHE_TTL_*… for bench/replicas.ts. The baselines have no such settings.
   */
  env?: Record<string, string>;
}

// Imported on demand: each child loads only its own variant, so B0's RSS is not S's modules.
const STARTERS: Record<string, () => Promise<(up: Upstream, options: VariantOptions) => Promise<Running>>> = {
  B0: async () => (await import('./variants/b0.js')).startB0,
  S: async () => (await import('./variants/service.js')).startService,
  // S with its default limits (the adaptive one): the upstream budget the others get is not set.
  Sd: async () => {
    const { startService } = await import('./variants/service.js');
    return (up, options) => startService(up, { ...options, sockets: undefined });
  },
  N: async () => (await import('./variants/naive.js')).startNaive,
  P: async () => (await import('./variants/peer.js')).startPeer,
};

export interface Mark {
  type: 'mark';
  /** User + system CPU time of this process so far, microseconds. */
  cpuMicros: number;
  rss: number;
  /** Highest RSS seen since the previous mark. */
  peakRss: number;
}

const variant = process.argv[2]!;
const upstream = JSON.parse(process.env.BENCH_UPSTREAM!) as Upstream;
const options = JSON.parse(process.env.BENCH_VARIANT_OPTIONS ?? '{"sockets":256}') as VariantOptions;
const running = await (await STARTERS[variant]!())(upstream, options);

let peak = process.memoryUsage.rss();
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
}, 20);

// With BENCH_PROFILE_DIR the CPU profile covers the measured load only (started after the
// warm-up, on request), not the start-up's module loading.
const profileDir = process.env.BENCH_PROFILE_DIR;
const session = profileDir ? new Session() : undefined;
session?.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

process.on('message', (m: { type: 'mark' | 'stop' | 'profile-start' | 'profile-stop' | 'heap-start' | 'heap-stop' }) => {
  if (m.type === 'heap-start' && session) {
    // Every allocation sampled, also those a scavenge or a full GC collected since: bytes
    // allocated per request, not bytes kept (bench/alloc.ts).
    void post('HeapProfiler.enable')
      .then(() => post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }))
      .then(() => process.send!({ type: 'heap-started' }));
  } else if (m.type === 'heap-stop' && session) {
    void post('HeapProfiler.stopSampling').then((result) => {
      const file = join(profileDir!, `${variant}-${Date.now()}.heapprofile`);
      writeFileSync(file, JSON.stringify((result as { profile: unknown }).profile));
      process.send!({ type: 'heap-stopped', file });
    });
  } else if (m.type === 'profile-start' && session) {
    void post('Profiler.enable').then(() => post('Profiler.start')).then(() => process.send!({ type: 'profile-started' }));
  } else if (m.type === 'profile-stop' && session) {
    void post('Profiler.stop').then((result) => {
      writeFileSync(join(profileDir!, `${variant}-${Date.now()}.cpuprofile`), JSON.stringify((result as { profile: unknown }).profile));
      process.send!({ type: 'profile-stopped' });
    });
  } else if (m.type === 'mark') {
    const cpu = process.cpuUsage();
    const rss = process.memoryUsage.rss();
    const mark: Mark = { type: 'mark', cpuMicros: cpu.user + cpu.system, rss, peakRss: Math.max(peak, rss) };
    peak = rss;
    process.send!(mark);
  } else if (m.type === 'stop') {
    void running.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', port: running.port });
