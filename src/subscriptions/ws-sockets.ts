import { WebSocket } from 'ws';
import type { GraphQLWsSettings } from './graphql-ws-settings.js';
import type { WsMetrics } from './metrics.js';
import { KeyCounts } from '../key-counts.js';

/**
 * Close codes of this server's socket limits, in the 4000 range graphql-ws leaves to
 * applications, each mirroring an HTTP status: 4429 (too many) is one graphql-ws's client does
 * not retry on its own; 4408 is what graphql-ws itself sends a socket that never initialises,
 * the same kind of wait.
 */
export const CLOSE_TOO_MANY_SOCKETS = 4429;
export const CLOSE_IDLE = 4408;

interface SocketState {
  /** Set once the socket passed connection_init and counts against its caller. */
  callerId: string | undefined;
  /** Operations begun and not yet ended. */
  active: number;
  idle: NodeJS.Timeout | undefined;
  closed: boolean;
}

/**
 * The graphql-ws sockets one server holds: how many each caller has past connection_init
 * (MAX_WS_SOCKETS_PER_CLIENT), and a timer per socket that closes it once it has had no open
 * operation for WS_IDLE_TIMEOUT_MS. Memory is one small record per open socket and one map
 * entry per caller holding one.
 */
export class WsSockets {
  private readonly states = new WeakMap<WebSocket, SocketState>();
  private readonly perClient = new KeyCounts();

  constructor(
    private readonly limits: GraphQLWsSettings,
    private readonly metrics?: WsMetrics,
  ) {}

  /** A socket connected (before connection_init): tracked until its `close`. */
  opened(socket: WebSocket): void {
    const state: SocketState = { callerId: undefined, active: 0, idle: undefined, closed: false };
    this.states.set(socket, state);
    this.metrics?.wsSocketOpened();
    socket.once('close', () => {
      state.closed = true;
      clearTimeout(state.idle);
      this.metrics?.wsSocketClosed();
      if (state.callerId === undefined) return;
      this.perClient.remove(state.callerId);
    });
  }

  /**
   * Counts a socket that passed connection_init against its caller, or closes it (4429) when the
   * caller holds its share already; false when refused or already gone. `pending` reads
   * graphql-ws's own count of the socket's operations (a check the idle timer makes too).
   */
  admit(socket: WebSocket, callerId: string, pending: () => number): boolean {
    const state = this.states.get(socket);
    if (!state || state.closed || socket.readyState !== WebSocket.OPEN) return false;
    const held = this.perClient.get(callerId);
    if (held >= this.limits.maxSocketsPerClient) {
      this.metrics?.wsSocketLimited('too_many_sockets');
      socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets for this client (MAX_WS_SOCKETS_PER_CLIENT)');
      return false;
    }
    this.perClient.add(callerId);
    state.callerId = callerId;
    this.armIdle(socket, state, pending);
    return true;
  }

  /** An operation began on the socket: it is not idle. */
  began(socket: WebSocket): void {
    const state = this.states.get(socket);
    if (!state) return;
    state.active += 1;
    clearTimeout(state.idle);
  }

  /** An operation ended (completed, errored, or its socket closed); the last one starts the idle timer. */
  ended(socket: WebSocket, pending: () => number): void {
    const state = this.states.get(socket);
    if (!state) return;
    state.active = Math.max(0, state.active - 1);
    if (state.active === 0) this.armIdle(socket, state, pending);
  }

  private armIdle(socket: WebSocket, state: SocketState, pending: () => number): void {
    clearTimeout(state.idle);
    if (state.closed || socket.readyState !== WebSocket.OPEN) return;
    state.idle = setTimeout(() => {
      // graphql-ws's count as well as ours: an operation that never reached its end hook still holds the socket busy.
      if (state.active > 0 || pending() > 0) return this.armIdle(socket, state, pending);
      this.metrics?.wsSocketLimited('idle');
      socket.close(CLOSE_IDLE, 'Idle timeout: no subscription for WS_IDLE_TIMEOUT_MS');
    }, this.limits.idleTimeoutMs);
    state.idle.unref();
  }
}
