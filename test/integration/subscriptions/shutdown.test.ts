import { afterAll, beforeAll, expect, it } from 'vitest';
import { createShutdown } from '../../../src/shutdown.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { serveOnLoopback, subscribeWs, wsClient, type LoopbackServer } from '../../helpers/live.js';
import { EventStreamReader } from '../../../src/subscriptions/event-stream-reader.js';

let h: Harness;
let server: LoopbackServer;
beforeAll(async () => {
  h = await startHarness();
  server = await serveOnLoopback(h);
});
afterAll(() => h.close());

it('shutdown completes open subscriptions (SSE and graphql-ws) at once instead of waiting out the grace period', async () => {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: 'subscription($r: [MessageRef!]!) { messageStatusChanged(refs: $r) { __typename } }', variables: { r: [{ provider: 'BETATEL', id: '01KJ0000000000000000000A01' }] } }),
  });
  const sse = new EventStreamReader(res.body!, 1 << 20);
  expect((await sse.next()).value?.event).toBe('next');
  const { client } = wsClient(server.wsUrl);
  const ws = subscribeWs(client, { refs: [{ provider: 'BETATEL', id: '01KJ0000000000000000000A02' }] });
  await ws.waitFor(1);
  expect(h.app.live.open).toBe(2);

  const logger = { info: () => undefined, warn: () => undefined } as unknown as Parameters<typeof createShutdown>[0]['logger'];
  const shutdown = createShutdown({
    server: server.server,
    readiness: h.app.readiness,
    graceMs: 10_000,
    logger,
    endStreams: async () => {
      await h.app.live.endAll();
      await server.graphqlWs.close();
    },
    closeResources: async () => undefined,
  });
  const startedAt = Date.now();
  const { drained } = await shutdown('SIGTERM');
  expect(drained).toBe(true);
  expect(Date.now() - startedAt).toBeLessThan(2_000);
  expect(h.app.live.open).toBe(0);
  expect(h.app.watchers.size).toBe(0);
  const rest: string[] = [];
  for await (const event of sse) rest.push(event.event);
  expect(rest).toEqual(['complete']);
  await ws.ended;
  await Promise.resolve(client.dispose()).catch(() => undefined);
});
