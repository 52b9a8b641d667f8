import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
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
 * How long idle keep-alive sockets stay open after the signal, for a request a client may
 * already have written on one: it is answered (with `Connection: close`) instead of meeting a
 * reset. A client that writes later finds the socket closed and its reconnect refused.
 */
const LINGER_MS = 250;

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
  // Every answer from now on closes its connection, so no socket goes back to idle.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  });
  // Stop listening without http.Server#close's immediate sweep of idle sockets (see LINGER_MS).
  const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
  await endStreams?.();
  // Logged after close(): whoever reads this line can rely on new connections being refused.
  logger.info({ signal, graceMs }, 'shutting down: not accepting new connections, waiting for in-flight requests');
  // A keep-alive socket becomes idle only after its last response; keep closing those until none is left.
  let sweep: NodeJS.Timeout | undefined;
  const linger = setTimeout(() => {
    server.closeIdleConnections();
    sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  }, Math.min(LINGER_MS, graceMs));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)));
  const drained = (await Promise.race([closed.then(() => 'closed' as const), expired])) === 'closed';
  clearTimeout(linger);
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
