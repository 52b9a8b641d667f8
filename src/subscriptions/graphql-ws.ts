import { ROUTES } from '../http/routes.js';
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, parse, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { codeForStatus } from '../http/use-plain-answers.js';
import { addressIdentity } from '../security/client-address.js';
import { webSocketOriginAllowed } from '../security/csrf.js';
import { EventStreamReader } from './event-stream-reader.js';
import type { GraphQLWsSettings } from './graphql-ws-settings.js';
import type { WsMetrics } from './metrics.js';
import { clientError, resultsOf } from './ws-relay.js';
import { WsSockets } from './ws-sockets.js';

/** What this transport needs of the app: yoga's fetch entry point, so every plugin runs as for HTTP. */
export interface YogaFetch {
  fetch(request: Request, serverContext: Record<string, never>): Response | Promise<Response>;
}

export interface GraphQLWsOptions {
  yoga: YogaFetch;
  /** Handed to graphql-ws, which requires one; yoga executes against its own. */
  schema: GraphQLSchema;
  /** Largest WebSocket message (the same cap as an HTTP body). */
  maxPayloadBytes: number;
  /** Largest event relayed to a client (default 16 × maxPayloadBytes); a larger one ends its subscription with EVENT_TOO_LARGE. */
  maxEventBytes?: number;
  /** The caller the security layer authenticated for a request (App.callerOf): sockets are counted per caller. */
  callerOf(request: Request): { id: string } | undefined;
  /** MAX_WS_SOCKETS_PER_CLIENT and WS_IDLE_TIMEOUT_MS. */
  limits: GraphQLWsSettings;
  /** CORS_ORIGINS: browser pages of these origins (besides this service's own) may open a socket. */
  allowedOrigins: readonly string[];
  metrics?: WsMetrics;
  path?: string;
  /** WebSocket ping interval; a peer that misses one is dropped. */
  keepAliveMs?: number;
  /** How long a socket may stay open before `connection_init`. */
  connectionInitWaitMs?: number;
}

export interface GraphQLWsServer {
  /**
   * Closes every socket (their subscriptions end, freeing their watchers) and stops accepting new
   * ones. Operations whose relayed stream is ending (shutdown ends the SSE streams first) get
   * their `complete` before their socket closes, waiting at most `drainMs` (default 1 s).
   */
  close(drainMs?: number): Promise<void>;
}

/** Connection params that become request headers; every other key is ignored. */
const CREDENTIAL_PARAMS = ['authorization', 'x-api-key'] as const;
/** A credential longer than this is not one (the HTTP header limit is 16 KiB in Node). */
const MAX_CREDENTIAL_LENGTH = 8192;
/**
 * Close codes beyond graphql-ws's own, in the 4000 range the protocol leaves to applications;
 * each mirrors the HTTP status of the same refusal (the socket limits' own are in ws-sockets.ts).
 */
const CLOSE_RATE_LIMITED = 4429;
const CLOSE_AUTH_UNAVAILABLE = 4503;
/**
 * graphql-ws reads the document only to choose between its `execute` and `subscribe` hooks,
 * which here are the same relay; the client's document goes to yoga untouched, which parses,
 * limits (armor) and validates it as for HTTP. So nothing is parsed twice, and a parse error
 * is yoga's answer, not a second error path.
 */
const RELAYED = parse('subscription Relayed { __typename }');

/**
 * Headers for a request made on behalf of a graphql-ws connection; undefined when malformed.
 * Credentials come from `connectionParams` (browsers cannot set headers on a WebSocket), else
 * from the upgrade request's own headers (routers propagate headers on the handshake).
 */
export function connectionHeaders(params: Readonly<Record<string, unknown>> | undefined, upgrade: IncomingMessage['headers'] = {}): Headers | undefined {
  const headers = new Headers({ 'content-type': 'application/json', accept: 'text/event-stream' });
  const fromParams = Object.entries(params ?? {}).filter(([key]) => (CREDENTIAL_PARAMS as readonly string[]).includes(key.toLowerCase()));
  const fromUpgrade = CREDENTIAL_PARAMS.flatMap((name) => (typeof upgrade[name] === 'string' ? [[name, upgrade[name]] as [string, unknown]] : []));
  for (const [key, value] of fromParams.length > 0 ? fromParams : fromUpgrade) {
    const name = key.toLowerCase();
    if (!(CREDENTIAL_PARAMS as readonly string[]).includes(name)) continue;
    if (typeof value !== 'string' || value.length > MAX_CREDENTIAL_LENGTH) return undefined;
    try {
      headers.set(name, value);
    } catch {
      // A value no HTTP header could carry (a newline, a control character).
      return undefined;
    }
  }
  return headers;
}

function errorCodes(body: unknown): string[] {
  const errors = (body as { errors?: { extensions?: { code?: unknown } }[] } | null)?.errors;
  return Array.isArray(errors) ? errors.map((e) => String(e?.extensions?.code ?? '')) : [];
}

/**
 * graphql-ws on the HTTP server's `/graphql`, for routers that speak only WebSocket (Apollo
 * Router's passthrough mode). Each operation is relayed through `yoga.fetch` as a GraphQL over
 * SSE request whose credentials come from the connection (`connectionParams`, else the
 * upgrade request's headers), so authentication, rate limits, persisted documents, armor
 * limits, scopes, masking and metrics are exactly those of HTTP, with no second code path to
 * keep in step. The cost is a JSON round trip per event in process.
 *
 * The connection is also checked at `connection_init` by a `{ __typename }` request through
 * the same path, so a refused caller is closed with 4401 (or 4429 rate limited, 4503
 * authentication unavailable) before it can subscribe. That check only gives early close
 * codes: every relayed operation is authenticated again by yoga (an expired token fails there).
 * A caller holds at most MAX_WS_SOCKETS_PER_CLIENT sockets past that check, and a socket with no
 * operation for WS_IDLE_TIMEOUT_MS is closed (ws-sockets.ts). A relayed subscription ends with
 * its socket, its `complete`, or a failure reading it (ws-relay.ts).
 */
export function attachGraphQLWs(server: Server, options: GraphQLWsOptions): GraphQLWsServer {
  const wss = new WebSocketServer({
    server,
    path: options.path ?? ROUTES.graphql,
    maxPayload: options.maxPayloadBytes,
    // Another site's page is refused at the handshake (csrf.ts webSocketOriginAllowed), before connection_init.
    verifyClient: ({ origin, req }: { origin: string | undefined; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void) =>
      webSocketOriginAllowed(origin, req.headers.host, options.allowedOrigins)
        ? done(true)
        : done(false, 403, "this page's origin may not open a WebSocket here: only this service's own origin and those in CORS_ORIGINS may", { 'Content-Type': 'text/plain' }),
  });
  const maxEventBytes = options.maxEventBytes ?? options.maxPayloadBytes * 16;
  const sockets = new WsSockets(options.limits, options.metrics);
  const headersBySocket = new WeakMap<object, Headers>();
  // Sockets that began an operation (one entry each, dropped when the socket closes): close()
  // waits for their operations to drain.
  const operations = new Set<{ subscriptions: object }>();

  const relayRequest = (headers: Headers, body: object, signal?: AbortSignal) =>
    new Request('http://graphql-ws.local/graphql', { method: 'POST', headers, body: JSON.stringify(body), signal });
  // The server context node's adapter gives every HTTP request ({ req }): the security layer
  // reads the client address from it (rate limits). Yoga's type for it is the app's, empty.
  const relay = async (request: Request, req: IncomingMessage) => options.yoga.fetch(request, { req } as unknown as Record<string, never>);

  // Before useServer's own listener, so a socket is tracked before graphql-ws reads its first message.
  wss.on('connection', (socket) => sockets.opened(socket));

  const disposable = useServer(
    {
      // Internal failures close with "Internal server error", never an error's own message.
      isProd: true,
      connectionInitWaitTimeout: options.connectionInitWaitMs ?? 3_000,
      async onConnect(ctx) {
        const { socket, request } = ctx.extra;
        const headers = connectionHeaders(ctx.connectionParams, request.headers);
        if (!headers) {
          socket.close(CloseCode.BadRequest, 'connectionParams: authorization and x-api-key must be strings usable as HTTP headers');
          return false;
        }
        const check = relayRequest(new Headers([...headers].filter(([name]) => name !== 'accept')), { query: '{ __typename }' });
        const response = await relay(check, request);
        const codes = errorCodes(await response.json().catch(() => null));
        const refusal = codes.includes('UNAUTHENTICATED')
          ? CloseCode.Unauthorized
          : codes.includes('RATE_LIMITED')
            ? CLOSE_RATE_LIMITED
            : codes.includes('AUTHENTICATION_UNAVAILABLE')
              ? CLOSE_AUTH_UNAVAILABLE
              : undefined;
        if (refusal !== undefined) {
          socket.close(refusal, refusal === CloseCode.Unauthorized ? 'Unauthorized: send x-api-key or authorization in connectionParams' : refusal === CLOSE_RATE_LIMITED ? 'Rate limited' : 'Authentication unavailable');
          return false;
        }
        // The caller yoga authenticated for the check: key name, token subject or anonymous address.
        const callerId = options.callerOf(check)?.id ?? `address:${addressIdentity(request.socket.remoteAddress ?? 'unknown')}`;
        // Past the caller's socket cap (closed 4429), or gone while it was being checked.
        if (!sockets.admit(socket, callerId, () => Object.keys(ctx.subscriptions).length)) return false;
        headersBySocket.set(socket, headers);
        return true;
      },
      onSubscribe: (ctx, _id, payload: SubscribePayload) => {
        if (!operations.has(ctx)) {
          operations.add(ctx);
          ctx.extra.socket.once('close', () => operations.delete(ctx));
        }
        sockets.began(ctx.extra.socket);
        return { schema: options.schema, document: RELAYED, contextValue: { ctx, payload }, rootValue: undefined };
      },
      // Every operation that began with onSubscribe ends here (completed, errored, or its socket closed).
      onComplete: (ctx) => sockets.ended(ctx.extra.socket, () => Object.keys(ctx.subscriptions).length),
      // Both kinds go through yoga; a query answers one event, a subscription many.
      execute: (args) => relayOperation(args.contextValue as RelayContext),
      subscribe: (args) => relayOperation(args.contextValue as RelayContext),
      // Results come from yoga already formatted (masked errors, plain JSON): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result,
      // An `error` message: what graphql-ws makes of an exception of the relay. Only our own
      // refusals keep their message; anything else is masked as yoga masks it for HTTP.
      onError: (_ctx, _id, _payload, errors) => errors.map(clientError),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  type RelayContext = { ctx: { extra: { socket: object; request: IncomingMessage } }; payload: SubscribePayload };

  async function relayOperation({ ctx, payload }: RelayContext): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const headers = headersBySocket.get(ctx.extra.socket);
    if (!headers) return { errors: [new GraphQLError('connection not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })] };
    const { query, variables, operationName, extensions } = payload;
    // Aborting the relayed request ends its subscription at once (its watchers with it), however
    // the relay ends: complete, socket closed, an event too large.
    const relayed = new AbortController();
    const response = await relay(relayRequest(headers, { query, variables, operationName, extensions }, relayed.signal), ctx.extra.request);
    if (response.body && response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return resultsOf(new EventStreamReader(response.body, maxEventBytes), () => relayed.abort());
    }
    // Refused before execution (400, 401, 429...): yoga answered JSON with the errors.
    const body = (await response.json().catch(() => null)) as ExecutionResult | null;
    if (body && typeof body === 'object') return body;
    const code = codeForStatus(response.status) ?? 'INTERNAL_SERVER_ERROR';
    return { errors: [new GraphQLError(`request refused with HTTP ${response.status}`, { extensions: { code } })] };
  }

  // graphql-ws sends `complete` after onComplete and only then forgets the operation, so a
  // socket has sent every `complete` once its `subscriptions` is empty.
  const drained = () => {
    for (const ctx of operations) if (Object.keys(ctx.subscriptions).length === 0) operations.delete(ctx);
    return operations.size === 0;
  };

  return {
    async close(drainMs = 1_000) {
      const until = Date.now() + drainMs;
      while (!drained() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
