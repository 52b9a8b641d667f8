import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';
import type { SharedStateSettings } from '../../src/shared-state/settings.js';
import type { RedisConnection } from '../../src/shared-state/connection.js';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** True when something on host:port answers a Redis PING within `timeoutMs`. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A redis-server of this test's own, on a free port; can be stopped and started again on the same port.
 * Without persistence unless `appendOnlyDir` is given: then every write is fsynced to an append-only
 * file there, so a kill and start keeps all that was acknowledged (a Redis restarted, not emptied).
 */
export interface OwnRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Kills the server (no clean shutdown: like a crash or a network cut). */
  stop(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. `resume` thaws it. */
  pause(): void;
  resume(): void;
}

export async function startOwnRedis(options: { appendOnlyDir?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async start() {
      const persistence = options.appendOnlyDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir] : ['--appendonly', 'no'];
      child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
      const started = child;
      const spawnError = new Promise<never>((_, reject) => started.once('error', reject));
      for (let i = 0; i < 100; i++) {
        if (await Promise.race([pingRedis(port), spawnError])) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`redis-server did not answer on port ${port}`);
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await own.start();
  return own;
}

/**
 * The Redis these tests share: the one on 127.0.0.1:6379 when it answers PING (CI starts one),
 * else a redis-server started here. `close` stops only a server started here.
 */
export async function testRedis(): Promise<{ url: string; close(): Promise<void> }> {
  if (await pingRedis(6379)) return { url: 'redis://127.0.0.1:6379/0', close: async () => {} };
  const own = await startOwnRedis();
  return { url: own.url, close: () => own.stop() };
}

/** A key prefix no other test run uses, so runs and files never see each other's keys. */
export const uniquePrefix = (name: string) => `test:${name}:${crypto.randomUUID().slice(0, 8)}:`;

export function redisSettings(url: string, overrides: Partial<SharedStateSettings> = {}): SharedStateSettings {
  return { url, keyPrefix: uniquePrefix('redis'), commandTimeoutMs: 150, lockTtlMs: 5_000, lockWaitMs: 3_000, ...overrides };
}

/** A logger whose JSON lines land in `lines`, to count what was logged. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level, pretty: false, destination }), lines };
}

/** Resolves once `check` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Resolves once `count` connections subscribe to `channel` (unprefixed, as the code names it).
 * SUBSCRIBE goes out in the background, and pub/sub keeps nothing for a subscriber not there yet.
 */
export function subscribed(redis: RedisConnection, channel: string, count: number): Promise<void> {
  return until(async () => {
    const reply = (await redis.run('test_numsub', (r) => r.pubsub('NUMSUB', redis.key(channel)))) as [string, number] | undefined;
    return (reply?.[1] ?? 0) >= count;
  });
}
