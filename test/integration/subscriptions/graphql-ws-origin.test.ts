import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { webSocketOriginAllowed } from '../../../src/security/csrf.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { serveOnLoopback, type LoopbackServer } from '../../helpers/live.js';

/**
 * The CSRF rule for graphql-ws. A browser opens a WebSocket to any site without a preflight or a
 * CSRF header, and the page reads every answer (WebSockets have no same-origin policy): with
 * anonymous access on (the sandbox, or ALLOW_ANONYMOUS), another site's page could make a
 * visitor's browser run operations here and read them. A browser always sends Origin on the
 * handshake; routers and Node clients send none.
 */
const QUERY = '{ messageStatuses(refs: [{ provider: BETATEL, id: "01KC0000000000000000000W01" }]) { __typename ... on MessageStatus { state } } }';
const LISTED = 'https://app.example.com';

let h: Harness;
let server: LoopbackServer;
beforeAll(async () => {
  // The sandbox's posture: anonymous callers may read, so an unchecked handshake would run the query.
  h = await startHarness({ env: { CORS_ORIGINS: `${LISTED}, https://admin.example.com` } });
  server = await serveOnLoopback(h);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

type Outcome = { refused: number; body: string } | { answer: unknown };

/** A handshake with these headers, then the query: the handshake's refusal, or the query's answer. */
function tryQuery(headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ refused: response.statusCode ?? 0, body }));
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
      if (message.type === 'next') {
        socket.close();
        resolve({ answer: message.payload });
      }
    });
    socket.on('close', (code) => reject(new Error(`closed with ${code}`)));
    socket.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

describe('graphql-ws handshakes by origin (anonymous access on)', () => {
  it('refuses a browser handshake from another site with 403 naming CORS_ORIGINS, before any operation or upstream call', async () => {
    h.resetCounts();
    const outcome = await tryQuery({ origin: 'https://evil.example' });
    expect(outcome).toEqual({ refused: 403, body: expect.stringMatching(/origin may not open a WebSocket here.*CORS_ORIGINS/) });
    expect(h.simulator('BETATEL').requests).toEqual([]);
    expect(await h.app.metrics.registry.metrics()).not.toMatch(/^graphql_operations_total/m);
  });

  it('refuses the opaque origin "null" (a sandboxed frame, a file:// page) and a malformed one', async () => {
    expect(await tryQuery({ origin: 'null' })).toMatchObject({ refused: 403 });
    expect(await tryQuery({ origin: 'not a url' })).toMatchObject({ refused: 403 });
  });

  it('refuses a page on this machine at another port or host name (another origin)', async () => {
    const { port } = new URL(server.url);
    expect(await tryQuery({ origin: `http://127.0.0.1:${Number(port) + 1}` })).toMatchObject({ refused: 403 });
    expect(await tryQuery({ origin: `http://localhost:${port}` })).toMatchObject({ refused: 403 });
  });

  it('accepts a page of this service’s own origin, an origin in CORS_ORIGINS, and a client that sends no Origin (a router)', async () => {
    const answer = { answer: { data: { messageStatuses: [{ __typename: 'BetatelWdr', state: 'PENDING' }] } } };
    expect(await tryQuery({ origin: new URL(server.url).origin })).toEqual(answer);
    expect(await tryQuery({ origin: LISTED })).toEqual(answer);
    expect(await tryQuery({})).toEqual(answer);
  });
});

describe('webSocketOriginAllowed', () => {
  const ok = (origin: string | undefined, host: string | undefined, listed: string[] = []) => webSocketOriginAllowed(origin, host, listed);
  it('compares the origin with the Host header as origins compare: scheme default ports, case', () => {
    expect(ok('http://Example.COM', 'example.com')).toBe(true);
    expect(ok('http://example.com:80', 'example.com')).toBe(true);
    expect(ok('https://example.com', 'example.com:443')).toBe(true);
    expect(ok('https://example.com', 'example.com:8443')).toBe(false);
    expect(ok('http://example.com', undefined)).toBe(false);
    expect(ok('http://example.com.evil.example', 'example.com')).toBe(false);
    expect(ok(undefined, 'example.com')).toBe(true);
  });
  it('takes listed origins as CORS does: exactly as written', () => {
    expect(ok('https://app.example.com', 'api.example.com', ['https://app.example.com'])).toBe(true);
    expect(ok('https://app.example.com:444', 'api.example.com', ['https://app.example.com'])).toBe(false);
  });
});
