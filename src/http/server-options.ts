import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { int, type AreaSettings, type EnvValues } from '../env-values.js';
import { addressIdentity } from '../security/client-address.js';
import { KeyCounts } from '../key-counts.js';

/**
 * Node's defaults suit a trusted network, not the open one: no connection cap, 300 s to
 * send a request, and a client that drips headers or never sends a byte holds a socket
 * (and its memory) for minutes. These bound every phase of a client's request.
 */
export const serverEnv = {
  // Headers of a normal request arrive in one packet; 10 s tolerates a slow mobile link.
  HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  // Whole request, body included: bodies are at most MAX_BODY_BYTES (100 KiB), so 30 s is ample.
  REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
  // Idle keep-alive sockets; above the 4 s idle timeout of common clients and proxies, so they close first.
  KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(5_000),
  // Each socket costs a descriptor and buffers; 2000 is far above what two cores serve at once.
  MAX_CONNECTIONS: int(1, 1_000_000).default(2_000),
  // One address must not take every slot above (a client reopening sockets that send headers
  // slowly held all of them, and /health failed 83 of 95 times). A router or proxy opens far
  // fewer than 256; behind one that opens more, raise it; 0 turns it off.
  MAX_CONNECTIONS_PER_ADDRESS: int(0, 1_000_000).default(256),
};

export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** 0: no cap per address. */
  maxConnectionsPerAddress: number;
}

/** From the parsed variables; Node refuses a headersTimeout above requestTimeout (the request timer already covers headers). */
export function serverSettings(values: EnvValues<typeof serverEnv>): AreaSettings<ServerLimits> {
  return {
    settings: {
      headersTimeoutMs: values.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: values.MAX_CONNECTIONS,
      maxConnectionsPerAddress: values.MAX_CONNECTIONS_PER_ADDRESS,
    },
    problems: values.HEADERS_TIMEOUT_MS > values.REQUEST_TIMEOUT_MS ? ['HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS'] : [],
  };
}

/** Options for http.createServer. */
export function httpServerOptions(limits: ServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the header and request timers only this often (default 30 s), so a timeout
    // could otherwise take up to 30 s longer than configured. A quarter of the shortest keeps
    // the lag small; the sweep is one pass over the open connections.
    connectionsCheckingInterval: Math.max(50, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
  };
}

/**
 * What createServer's options cannot set: the connection caps, in all and per peer address
 * (sockets beyond either are closed at once, before a byte is read; WebSocket upgrades count too).
 */
export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
  const perAddress = limits.maxConnectionsPerAddress;
  if (perAddress === 0) return;
  // Open sockets per address: an entry exists only while the address has one, so the map is
  // bounded by MAX_CONNECTIONS.
  const open = new KeyCounts();
  server.on('connection', (socket: Socket) => {
    // One host is one address (an IPv6 host by its /64), as for every other per-client bound.
    const address = addressIdentity(socket.remoteAddress ?? 'unknown');
    if (open.get(address) >= perAddress) {
      socket.destroy();
      return;
    }
    open.add(address);
    socket.once('close', () => open.remove(address));
  });
}
