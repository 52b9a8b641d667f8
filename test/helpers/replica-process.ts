import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The real entry point, run by node itself with tsx as a loader (the tsx CLI relays signals to a
 * child of its own, which a SIGKILL test must not have in between).
 */
const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One server process of the service on a loopback port of its own. */
export interface ReplicaProcess {
  base: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown, nothing flushed, like a crashed or evicted container. */
  kill(): Promise<void>;
}

/** Starts `src/main.ts` with `env` (no provider variable of this shell leaks in) and waits until /ready answers 200. */
export async function startReplica(env: Record<string, string>, readyWithinMs = 20_000): Promise<ReplicaProcess> {
  const port = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(D7_|BETATEL_|PROVIDER_MODE|REDIS_)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...clean, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the replica exited with ${child.exitCode}: ${out}`);
    const ready = await fetch(`${base}/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the replica was not ready within ${readyWithinMs} ms: ${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    child,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
