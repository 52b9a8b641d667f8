import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EventStreamReader } from '../../src/subscriptions/event-stream-reader.js';
import { attachGraphQLWs, type GraphQLWsOptions, type GraphQLWsServer } from '../../src/subscriptions/graphql-ws.js';
import type { Harness } from './harness.js';

/** The subscription every live test uses, selecting the fields that scopes and masking guard. */
export const STATUS_CHANGED = /* GraphQL */ `
  subscription StatusChanged($refs: [MessageRef!]!) {
    messageStatusChanged(refs: $refs) {
      __typename
      ... on MessageStatus { providerMessageId state isFinal }
      ... on LookupError { providerMessageId message }
      ... on BetatelWdr { to }
    }
  }
`;

export interface Collected {
  /** SSE only: the HTTP status of the response, once it arrived. */
  readonly httpStatus: () => number | undefined;
  /** Every `next` payload so far, in arrival order. */
  readonly results: ExecutionResult[];
  /** Settles when the stream completes (server side) or is closed. */
  readonly ended: Promise<void>;
  /** Waits until `count` results arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ExecutionResult[]>;
  /** The client leaves. */
  close(): Promise<void>;
}

function collector(start: (push: (r: ExecutionResult) => void) => { ended: Promise<void>; close(): Promise<void>; httpStatus?: () => number | undefined }): Collected {
  const results: ExecutionResult[] = [];
  const waiters = new Set<() => void>();
  const push = (result: ExecutionResult) => {
    results.push(result);
    for (const wake of waiters) wake();
  };
  const { ended, close, httpStatus = () => undefined } = start(push);
  void ended.finally(() => {
    for (const wake of waiters) wake();
  });
  let isEnded = false;
  void ended.finally(() => (isEnded = true));
  return {
    results,
    ended,
    close,
    httpStatus,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} results; got ${results.length}: ${JSON.stringify(results)}`));
        }, timeoutMs);
        const check = () => {
          if (results.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(results.slice(0, count));
          } else if (isEnded) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`stream ended with ${results.length} of ${count} results: ${JSON.stringify(results)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** A GraphQL over SSE subscription through yoga.fetch (in process, as a browser would POST it). */
export function subscribeSse(h: Harness, variables: Record<string, unknown>, headers: Record<string, string> = {}, query = STATUS_CHANGED): Collected {
  return collector((push) => {
    const controller = new AbortController();
    let reader: EventStreamReader | undefined;
    let status: number | undefined;
    const ended = (async () => {
      const res = await h.app.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      status = res.status;
      // The client left before the answer came: a real client's socket would be gone, so is this one.
      if (controller.signal.aborted) {
        await res.body?.cancel();
        return;
      }
      if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
        push((await res.json()) as ExecutionResult);
        return;
      }
      reader = new EventStreamReader(res.body!, 1 << 20);
      for await (const event of reader) {
        if (event.event === 'complete') break;
        if (event.event === 'next') push(JSON.parse(event.data) as ExecutionResult);
      }
    })().catch(() => undefined);
    return {
      ended,
      httpStatus: () => status,
      async close() {
        // The request's signal first, as a dropped socket aborts it: cancelling the body alone
        // waits for its pending read (the next event or keep-alive).
        controller.abort();
        await reader?.return();
        await ended;
      },
    };
  });
}

export interface LoopbackServer {
  url: string;
  wsUrl: string;
  server: Server;
  graphqlWs: GraphQLWsServer;
  close(): Promise<void>;
}

/** The app on a real loopback port, with graphql-ws attached as main.ts does (its limits from the harness's configuration). */
export async function serveOnLoopback(h: Harness, keepAliveMs?: number, overrides: Partial<GraphQLWsOptions> = {}): Promise<LoopbackServer> {
  const server = createServer(h.app.yoga);
  const graphqlWs = attachGraphQLWs(server, {
    yoga: h.app.yoga,
    schema: h.app.schema,
    maxPayloadBytes: 100_000,
    keepAliveMs,
    callerOf: h.app.callerOf,
    limits: h.config.graphqlWs,
    allowedOrigins: h.config.security.corsOrigins,
    metrics: h.app.metrics,
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    server,
    graphqlWs,
    async close() {
      await h.app.live.endAll();
      await graphqlWs.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A graphql-ws client over the `ws` WebSocket; `closed` records the close event the server sent. */
export function wsClient(wsUrl: string, connectionParams: Record<string, unknown> = {}): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => resolveClosed({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
  });
  return { client, closed };
}

/** A subscription over graphql-ws, collected like subscribeSse. */
export function subscribeWs(client: Client, variables: Record<string, unknown>, query = STATUS_CHANGED): Collected {
  return collector((push) => {
    let dispose: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => {
      dispose = client.subscribe(
        { query, variables },
        {
          next: (result) => push(result as ExecutionResult),
          error: (error) => {
            push({ errors: Array.isArray(error) ? error : [{ message: String((error as { reason?: string }).reason ?? error) }] } as ExecutionResult);
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
    return {
      ended,
      async close() {
        dispose();
      },
    };
  });
}

/** Waits until `check` holds, polling every 10 ms; rejects with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
