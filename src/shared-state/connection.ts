import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import type { SharedStateSettings } from './settings.js';
import type { RedisMetrics, RedisState } from './metrics.js';

export type { RedisState };

/**
 * The Redis client of one replica, made so that Redis can never hold a request up: no offline
 * queue (a command while disconnected fails at once), a deadline on every command, reconnects
 * with backoff by itself. `run` turns every failure into `undefined`, for callers to fall back on.
 */
export interface RedisConnection {
  readonly state: RedisState;
  /** Unique per replica (per process and app instance): tells its own messages and locks apart. */
  readonly replicaId: string;
  /** The prefixed Redis name of a key or channel. */
  key(name: string): string;
  /**
   * Runs one command (or a short pipeline/script) with the command timeout. Resolves its result,
   * or undefined when Redis is down, slow or answers an error: never rejects, never waits longer.
   * `command` labels the metrics: a fixed name from the caller's code.
   */
  run<T>(command: string, send: (redis: Redis) => Promise<T>): Promise<T | undefined>;
  /** Publishes on `channel` (prefixed here); resolves the number of receivers, undefined when Redis did not answer. */
  publish(channel: string, message: string): Promise<number | undefined>;
  /** Delivers every message of `channel` to `onMessage` until the returned function is called. */
  subscribe(channel: string, onMessage: (message: string) => void): () => void;
  /**
   * Calls `listener` each time the pub/sub connection is back after a loss, once its channels are
   * subscribed again: messages published meanwhile were never heard (pub/sub keeps nothing).
   */
  onPubSubResumed(listener: () => void): () => void;
  /** Closes both connections; no log line about Redis going away. */
  close(): Promise<void>;
}

export interface ConnectionDeps {
  logger: Logger;
  metrics?: RedisMetrics;
  replicaId?: string;
}

const TIMED_OUT = Symbol('timed out');

/**
 * A Redis that stops reading (frozen, or a network path that drops packets without a reset)
 * leaves the connection open and "up": each command would wait in ioredis' queue, and its bytes
 * in the socket's buffer, until the stall ends (2,000 cache writes of 100 KB held 196 MB).
 * Commands are not sent while this much is still unsent or unanswered.
 */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
const MAX_PENDING_COMMANDS = 10_000;

/**
 * Commands that time out in a row before Redis counts as down although its socket is open (a
 * stalled server or network path, DEBUG SLEEP): from then on every command falls back at once
 * instead of each waiting out the timeout. One slow command is not an outage; three in a row,
 * with no answer between them, are.
 */
export const STALLED_AFTER_TIMEOUTS = 3;

// Reconnect after 100 ms, doubling up to 2 s: quick after a blip, cheap during an outage.
const backoff = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt - 1, 5), 2_000);

export function connectRedis(config: SharedStateSettings, deps: ConnectionDeps): RedisConnection {
  const { logger, metrics } = deps;
  const replicaId = deps.replicaId ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const options: RedisOptions = {
    commandTimeout: config.commandTimeoutMs,
    enableOfflineQueue: false,
    // Commands in flight when the socket drops fail instead of being replayed after a reconnect
    // (their callers have already fallen back).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: Math.max(1_000, config.commandTimeoutMs * 10),
    retryStrategy: backoff,
  };
  let client: Redis | undefined;
  let subscriber: Redis | undefined;
  let state: RedisState = 'down';
  // The subscriber connection's own state (redis_pubsub_up): up once connected; after a loss,
  // once its channels are subscribed again (when the "resumed" line is written).
  let pubsub: RedisState = 'down';
  let announced: RedisState | undefined;
  let lastError: string | undefined;
  let closing = false;
  let timeoutsInARow = 0;
  // One line per change of state, never one per failed command or reconnect attempt.
  const becomes = (next: RedisState) => {
    state = next;
    if (closing || announced === next) return;
    announced = next;
    if (next === 'up') logger.info({ redis: 'up', replicaId }, 'Redis connected: this replica shares state with the others');
    // A Redis that shuts down or restarts just closes the socket: no error says why.
    else logger.warn({ redis: 'down', replicaId, reason: lastError ?? 'connection closed' }, 'Redis unavailable: this replica runs on local state only until it reconnects');
  };
  metrics?.observeState(() => ({ commands: state, pubsub }));
  // Judged by its answers: a stalled Redis is marked down, and both connections are dropped,
  // which fails the commands ioredis still holds for the stalled socket (they would pile up
  // until it answered). The reconnect's ready check (INFO) is the probe: Redis is up again when
  // it answers it, at the reconnect backoff; nothing else is sent meanwhile.
  const timedOut = () => {
    timeoutsInARow += 1;
    if (timeoutsInARow < STALLED_AFTER_TIMEOUTS || state === 'down' || closing) return;
    lastError = `no answer to ${STALLED_AFTER_TIMEOUTS} commands in a row within ${config.commandTimeoutMs} ms (stalled)`;
    becomes('down');
    client?.disconnect(true);
    subscriber?.disconnect(true);
  };

  const handlers = new Map<string, Set<(message: string) => void>>();
  const resumedListeners = new Set<() => void>();
  const subscribeChannel = (name: string) =>
    // Queued while disconnected, so this fails only when the connection is closed for good.
    subscriber?.subscribe(name).catch((error: Error) => {
      if (!closing) logger.warn({ err: error, channel: name }, 'Redis subscribe failed');
    });

  // ioredis is loaded only here, when REDIS_URL is set: a deployment without Redis never pays
  // for the module (start-up time, memory). Until it is loaded the state is "down", as before
  // any connection, so callers fall back exactly as they do during an outage.
  void import('ioredis').then(({ Redis }) => {
    if (closing) return;
    client = new Redis(config.url, options);
    // The subscriber only ever sends SUBSCRIBE/UNSUBSCRIBE for a fixed set of channels: those may
    // wait for the connection (queued). After a reconnect watchPubSub subscribes them again, not
    // ioredis: its own resubscribe has no catch, so a close while it waits (a shutdown just after
    // Redis came back) was an unhandled rejection ("Connection is closed.").
    subscriber = new Redis(config.url, { connectTimeout: options.connectTimeout, retryStrategy: backoff, maxRetriesPerRequest: null, autoResubscribe: false });
    client.on('ready', () => {
      timeoutsInARow = 0;
      // The next outage's line tells its own reason, not this one's.
      lastError = undefined;
      becomes('up');
    });
    client.on('close', () => becomes('down'));
    // Without a listener, ioredis' error events would crash the process.
    client.on('error', (error: Error) => void (lastError = error.message));
    subscriber.on('error', () => {});
    watchPubSub(subscriber);
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of handlers.get(channel) ?? []) {
        try {
          handler(message);
        } catch (error) {
          logger.error({ err: error, channel }, 'a Redis message handler failed');
        }
      }
    });
    for (const name of handlers.keys()) subscribeChannel(name);
  }, (error: unknown) => logger.error({ err: error }, 'the Redis client (ioredis) could not be loaded: this replica runs on local state only'));

  // The pub/sub connection on its own: it can drop (CLIENT KILL TYPE pubsub, a proxy) while
  // commands still work. One line when it drops and one when it resumes; on resuming, once its
  // channels are subscribed again (here: ioredis' autoResubscribe is off), the listeners re-read
  // what they missed.
  function watchPubSub(connection: Redis): void {
    let ready = false;
    let lost = false;
    connection.on('close', () => {
      if (!ready || closing) return;
      ready = false;
      lost = true;
      pubsub = 'down';
      logger.warn({ pubsub: 'down', replicaId }, 'Redis pub/sub connection lost: changes published meanwhile are re-read from Redis when it resumes');
    });
    connection.on('ready', () => {
      ready = true;
      if (!lost) {
        pubsub = 'up';
        return;
      }
      lost = false;
      void Promise.resolve(handlers.size > 0 ? connection.subscribe(...handlers.keys()) : undefined)
        .catch(() => undefined)
        .then(() => {
          // Lost again while resubscribing: the next 'ready' resumes it.
          if (closing || !ready) return;
          pubsub = 'up';
          logger.info({ pubsub: 'up', replicaId }, 'Redis pub/sub connection resumed: re-reading watched messages from Redis');
          for (const listener of resumedListeners) listener();
        });
    });
  }

  return {
    get state() {
      return state;
    },
    replicaId,
    key: (name) => config.keyPrefix + name,
    async run<T>(command: string, send: (redis: Redis) => Promise<T>): Promise<T | undefined> {
      if (state === 'down' || !client) {
        metrics?.commandFailed(command, 'down');
        return undefined;
      }
      const redis = client;
      if (redis.stream.writableLength >= MAX_UNSENT_BYTES || redis.commandQueue.length >= MAX_PENDING_COMMANDS) {
        metrics?.commandFailed(command, 'down');
        // A backlog this large is a Redis that does not read: it counts as a command without an answer.
        timedOut();
        return undefined;
      }
      const started = performance.now();
      // ioredis' commandTimeout bounds each command; this one bounds the whole call (a script
      // falling back from EVALSHA to EVAL is two commands). One timer per call.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(resolve, config.commandTimeoutMs, TIMED_OUT);
      });
      try {
        const result = await Promise.race([send(redis), deadline]);
        if (result === TIMED_OUT) {
          metrics?.commandFailed(command, 'timeout');
          timedOut();
          return undefined;
        }
        timeoutsInARow = 0;
        metrics?.commandSucceeded(command, performance.now() - started);
        return result;
      } catch (error) {
        const timeout = (error as Error).message === 'Command timed out';
        metrics?.commandFailed(command, timeout ? 'timeout' : 'error');
        if (timeout) timedOut();
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
    publish(channel, message) {
      return this.run('publish', (redis) => redis.publish(config.keyPrefix + channel, message));
    },
    subscribe(channel, onMessage) {
      const name = config.keyPrefix + channel;
      let set = handlers.get(name);
      if (!set) {
        handlers.set(name, (set = new Set()));
        subscribeChannel(name);
      }
      set.add(onMessage);
      return () => {
        set.delete(onMessage);
        if (set.size === 0 && handlers.get(name) === set) {
          handlers.delete(name);
          subscriber?.unsubscribe(name).catch(() => {});
        }
      };
    },
    onPubSubResumed(listener) {
      resumedListeners.add(listener);
      return () => resumedListeners.delete(listener);
    },
    async close() {
      closing = true;
      client?.disconnect();
      subscriber?.disconnect();
    },
  };
}
