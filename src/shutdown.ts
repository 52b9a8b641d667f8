import type { Server } from 'node:http';
import type { Logger } from './logger.js';
import type { Readiness } from './observability/readiness.js';

export interface ShutdownOptions {
  server: Server;
  readiness: Readiness;
  graceMs: number;
  logger: Logger;
  /** Provider pools, sandbox simulators, trace export: closed after the last request. */
  closeResources: () => Promise<void>;
  /** Ends long-lived responses (subscriptions over SSE and graphql-ws) at once, so they do not hold the drain for the whole grace period. */
  endStreams?: () => Promise<void>;
}

export interface ShutdownResult {
  /** False when the grace period ran out and remaining connections were cut. */
  drained: boolean;
}

/** Idle keep-alive sockets would hold server.close() open; they are swept at this interval. */
const SWEEP_MS = 100;

/**
 * Graceful shutdown: not ready at once, stop accepting, let in-flight
 * requests finish within the grace period, then close resources.
 * Calling it again (a second signal) returns the same promise.
 */
export function createShutdown(options: ShutdownOptions): (signal: string) => Promise<ShutdownResult> {
  let running: Promise<ShutdownResult> | undefined;
  return (signal) => (running ??= run(options, signal));
}

async function run({ server, readiness, graceMs, logger, closeResources, endStreams }: ShutdownOptions, signal: string): Promise<ShutdownResult> {
  readiness.markStopping();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await endStreams?.();
  server.closeIdleConnections();
  // Logged after close(): whoever reads this line can rely on new connections being refused.
  logger.info({ signal, graceMs }, 'shutting down: not accepting new connections, waiting for in-flight requests');
  // A keep-alive socket becomes idle only after its last response; keep closing those until none is left.
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)));
  const drained = (await Promise.race([closed.then(() => 'closed' as const), expired])) === 'closed';
  clearInterval(sweep);
  clearTimeout(timer);
  if (!drained) {
    logger.warn({ graceMs }, 'grace period over: closing the connections still open');
    server.closeAllConnections();
    await closed;
  }
  await closeResources();
  logger.info({ drained }, 'shutdown complete');
  return { drained };
}
