import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startSandbox, withSandboxProviders, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { createShutdown } from '../../../src/shutdown.js';
import { sample } from '../../helpers/prometheus.js';
import { providers } from '../../../src/providers/registry.js';

interface Running {
  app: App;
  server: Server;
  sandbox: Sandbox;
  url: string;
  resourcesClosed: () => boolean;
  shutdown: ReturnType<typeof createShutdown>;
}

let running: Running | undefined;
afterEach(async () => {
  running?.server.closeAllConnections();
  await running?.sandbox.close();
  running = undefined;
});

/** The real app behind a real HTTP server, as main.ts wires it, with a slow id answering after `slowMs`. */
async function serve(slowMs: number, graceMs: number): Promise<Running> {
  const sandbox = await startSandbox({ slowMs });
  const app = createApp(withSandboxProviders(loadConfig({ LOG_LEVEL: 'silent' }, providers), sandbox), { logger: createLogger({ level: 'silent', pretty: false }) });
  const server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.readiness.markReady();
  let closed = false;
  const shutdown = createShutdown({
    server,
    readiness: app.readiness,
    graceMs,
    logger: app.logger,
    closeResources: async () => {
      await app.close();
      closed = true;
    },
  });
  const { port } = server.address() as AddressInfo;
  running = { app, server, sandbox, url: `http://127.0.0.1:${port}`, resourcesClosed: () => closed, shutdown };
  return running;
}

const slowQuery = JSON.stringify({ query: `{ d7Report(requestId: "${D7_SANDBOX.slow}") { requestId } }` });

async function untilInFlight(app: App): Promise<void> {
  while (sample(await app.metrics.registry.metrics(), 'graphql_requests_in_flight') < 1) await new Promise((r) => setTimeout(r, 20));
}

describe('graceful shutdown', () => {
  it('turns not-ready at once, refuses new connections, lets the in-flight request finish, then closes resources', async () => {
    const r = await serve(1_500, 10_000);
    const inFlight = fetch(`${r.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: slowQuery });
    await untilInFlight(r.app);

    const done = r.shutdown('SIGTERM');
    expect(r.shutdown('SIGINT')).toBe(done);
    expect((await r.app.yoga.fetch('http://x/ready')).status).toBe(503);
    await expect(fetch(`${r.url}/health`)).rejects.toThrow();
    expect(r.resourcesClosed()).toBe(false);

    const res = await inFlight;
    expect(await res.json()).toEqual({ data: { d7Report: { requestId: D7_SANDBOX.slow } } });
    expect(await done).toEqual({ drained: true });
    expect(r.resourcesClosed()).toBe(true);
  });

  it('answers a request written on an idle keep-alive socket right after the signal, with Connection: close, instead of a reset', async () => {
    for (let round = 0; round < 4; round += 1) {
      const r = await serve(1_500, 10_000);
      const { port } = r.server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      let error: Error | undefined;
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('error', (e) => (error = e));
      const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const ask = () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      ask();
      while (!Buffer.concat(received).toString().includes('\r\n\r\n')) await new Promise((res) => setTimeout(res, 5));
      received.length = 0;
      // The socket is idle now. The signal comes, and a few milliseconds later the client writes.
      const done = r.shutdown('SIGTERM');
      await new Promise((res) => setTimeout(res, 5 + round * 10));
      ask();
      await ended;
      expect(error).toBeUndefined();
      const text = Buffer.concat(received).toString();
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
      expect(text.toLowerCase()).toContain('connection: close');
      expect(await done).toEqual({ drained: true });
      running = undefined;
      await r.sandbox.close();
    }
  });

  it('cuts what is still running when the grace period is over, and still closes resources', async () => {
    const r = await serve(30_000, 200);
    // Settled into a value at once, so the cut connection is not an unhandled rejection meanwhile.
    const outcome = fetch(`${r.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: slowQuery }).then(
      () => 'answered',
      () => 'cut',
    );
    await untilInFlight(r.app);

    expect(await r.shutdown('SIGTERM')).toEqual({ drained: false });
    expect(await outcome).toBe('cut');
    // The provider pool waited for its request to hit UPSTREAM_TIMEOUT_MS (default 5 s) before closing.
    expect(r.resourcesClosed()).toBe(true);
  });
});
