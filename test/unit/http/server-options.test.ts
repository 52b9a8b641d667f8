import { EventEmitter } from 'node:events';
import { createServer, get, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { applyServerLimits, httpServerOptions, type ServerLimits } from '../../../src/http/server-options.js';
import { providers } from '../../../src/providers/registry.js';

// Small values so each case takes about a second; the defaults are checked below.
const limits: ServerLimits = { headersTimeoutMs: 600, requestTimeoutMs: 1_200, keepAliveTimeoutMs: 400, maxConnections: 4, maxConnectionsPerAddress: 0 };

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer(httpServerOptions(limits), (req, res) => {
    // Reads the whole body first, as yoga does, so a stalled body stalls the request.
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  applyServerLimits(server, limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Opens a raw socket; resolves with how long after opening the server closed it, and what it sent. */
function openSocket(): { socket: Socket; closed: Promise<{ afterMs: number; received: string }> } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - started, received })));
  return { socket, closed };
}

describe('the HTTP server drops slow and silent clients within seconds', () => {
  it('a client that drips its headers a byte at a time is cut after HEADERS_TIMEOUT_MS', async () => {
    const { socket, closed } = openSocket();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X'), 100);
    const { afterMs, received } = await closed;
    clearInterval(drip);
    expect(afterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
    expect(afterMs).toBeLessThan(3_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a client that announces a body and stops sending is cut after REQUEST_TIMEOUT_MS', async () => {
    const { socket, closed } = openSocket();
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"query":"{ __typename }');
    const { afterMs, received } = await closed;
    expect(afterMs).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
    expect(afterMs).toBeLessThan(4_000);
    expect(received).not.toMatch(/ok$/);
  });

  it('a connection that never sends a byte is closed', async () => {
    const { closed } = openSocket();
    const { afterMs } = await closed;
    expect(afterMs).toBeLessThan(3_000);
  });

  it('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { socket, closed } = openSocket();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const { afterMs, received } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200[\s\S]*keep-alive[\s\S]*ok$/i);
    expect(afterMs).toBeGreaterThanOrEqual(limits.keepAliveTimeoutMs - 50);
    expect(afterMs).toBeLessThan(3_000);
  });

  it('connections beyond MAX_CONNECTIONS are closed at once, and a normal client is served', async () => {
    const held = Array.from({ length: limits.maxConnections }, () => openSocket());
    await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const extra = openSocket();
    extra.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const refused = await extra.closed;
    expect(refused.afterMs).toBeLessThan(500);
    expect(refused.received).toBe('');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      }).on('error', reject);
    });
    expect(body).toBe('200 ok');
  });
});

describe('MAX_CONNECTIONS_PER_ADDRESS: one address cannot take every connection slot', () => {
  const perAddress: ServerLimits = { ...limits, maxConnections: 100, maxConnectionsPerAddress: 3 };
  let capped: Server;
  let cappedPort: number;
  beforeAll(async () => {
    capped = createServer(httpServerOptions(perAddress), (_req, res) => res.end('ok'));
    applyServerLimits(capped, perAddress);
    await new Promise<void>((resolve) => capped.listen(0, '127.0.0.1', resolve));
    cappedPort = (capped.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => capped.close(() => resolve())));

  /** A raw socket from `localAddress` (any 127.x address is this host); settles when the server closes it. */
  const open = (localAddress: string) => {
    const socket = connect({ port: cappedPort, host: '127.0.0.1', localAddress });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    const connected = new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
    return { socket, connected, closed };
  };
  const served = async (localAddress: string) => {
    const client = open(localAddress);
    await client.connected;
    client.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    return client.closed;
  };

  it('a fourth socket from the address is closed unread; another address, and the same one after it lets go, are served', async () => {
    const held = [open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')];
    await Promise.all(held.map((h) => h.connected));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await served('127.0.0.1')).toBe('');
    expect(await served('127.0.0.2')).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await served('127.0.0.1')).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    // Every count returns to zero: as many sockets as the cap are served again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const text of await Promise.all([served('127.0.0.1'), served('127.0.0.1'), served('127.0.0.1')])) expect(text).toMatch(/^HTTP\/1\.1 200/);
  });
  it('counts an IPv6 host by its /64: rotating addresses inside it does not open more sockets', () => {
    const fake = new EventEmitter() as unknown as Server;
    applyServerLimits(fake, { ...limits, maxConnectionsPerAddress: 2 });
    const sockets = [1, 2, 3, 4].map((n) => Object.assign(new EventEmitter(), { remoteAddress: `2001:db8:7:7::${n}`, destroyed: false, destroy() { this.destroyed = true; } }));
    const other = Object.assign(new EventEmitter(), { remoteAddress: '2001:db8:7:8::1', destroyed: false, destroy() { this.destroyed = true; } });
    for (const socket of [...sockets, other]) fake.emit('connection', socket);
    expect(sockets.map((s) => s.destroyed)).toEqual([false, false, true, true]);
    expect(other.destroyed).toBe(false);
    // One of the host's sockets closes: the host may open one more.
    sockets[0]!.emit('close');
    const again = Object.assign(new EventEmitter(), { remoteAddress: '2001:db8:7:7::99', destroyed: false, destroy() { this.destroyed = true; } });
    fake.emit('connection', again);
    expect(again.destroyed).toBe(false);
  });
});

describe('server limits from the configuration', () => {
  it('defaults: 10 s headers, 30 s request, 5 s keep-alive, 2000 connections, 256 from one address', () => {
    expect(loadConfig({}, providers).server).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 2_000, maxConnectionsPerAddress: 256 });
    expect(httpServerOptions(loadConfig({}, providers).server)).toMatchObject({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 2_500 });
  });

  it('reads the variables, and refuses a headers timeout above the request timeout along with other problems', () => {
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '4000', KEEP_ALIVE_TIMEOUT_MS: '1000', MAX_CONNECTIONS: '10', MAX_CONNECTIONS_PER_ADDRESS: '0' }, providers).server).toEqual({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
      keepAliveTimeoutMs: 1_000,
      maxConnections: 10,
      maxConnectionsPerAddress: 0,
    });
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '4000' }, providers)).toThrow(/HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ MAX_CONNECTIONS: '0', KEEP_ALIVE_TIMEOUT_MS: 'soon' }, providers)).toThrow(/MAX_CONNECTIONS[\s\S]*KEEP_ALIVE_TIMEOUT_MS|KEEP_ALIVE_TIMEOUT_MS[\s\S]*MAX_CONNECTIONS/);
  });
});
