import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, serveOnLoopback, STATUS_CHANGED, subscribeSse, subscribeWs, wsClient, type Collected, type LoopbackServer } from '../../helpers/live.js';

let h: Harness;
let server: LoopbackServer;
beforeAll(async () => {
  h = await startHarness({ env: { WATCHER_POLL_MIN_MS: '20', MAX_BATCH_SIZE: '10', MAX_SUBSCRIPTIONS_PER_CLIENT: '1000' } });
  server = await serveOnLoopback(h);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const idArb = fc.oneof(
  fc.constantFrom(D7_SANDBOX.example, D7_SANDBOX.notFound, D7_SANDBOX.slow, D7_SANDBOX.malformedJson, BETATEL_SANDBOX.serverError, BETATEL_SANDBOX.example, '01KF0000000000000000000A01'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const refArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ provider: fc.constantFrom('D7', 'BETATEL'), id: idArb }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const variablesArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ refs: fc.array(refArb, { maxLength: 14 }) }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }) },
);
const documentArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant(STATUS_CHANGED) },
  { weight: 1, arbitrary: fc.constant('subscription { messageStatusChanged(refs: [{ provider: D7, id: "x" }]) { __typename } } subscription B { __typename }') },
  { weight: 1, arbitrary: fc.constant('subscription S($refs: [MessageRef!]!) { a: messageStatusChanged(refs: $refs) { __typename } b: messageStatusChanged(refs: $refs) { __typename } }') },
  { weight: 1, arbitrary: fc.constant(`subscription { messageStatusChanged(refs: []) { ${'... on D7Report { messages { reference { customerRef } } } '.repeat(50)} } }`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => `subscription { ${s} }`) },
);
const paramsArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('x-api-key', 'authorization', 'Authorization', 'other'), fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 3 }) },
);
/** Raw frames on a graphql-transport-ws socket, protocol or not. */
const frameArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ type: fc.constantFrom('subscribe', 'complete', 'ping', 'pong', 'connection_init', 'next'), id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), payload: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
);

/** Lets a subscription run a moment (or to its end), then leaves, as a client would. */
async function briefly(sub: Collected): Promise<void> {
  await Promise.race([sub.ended, new Promise((resolve) => setTimeout(resolve, 60))]);
  await sub.close();
}

async function rawFrames(frames: string[]): Promise<void> {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  await new Promise<void>((resolve) => {
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init' }));
      for (const frame of frames) socket.send(frame);
      setTimeout(resolve, 40);
    });
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
  socket.terminate();
}

describe('hostile subscriptions on both transports', () => {
  it('never ends the process, leaks no watcher or subscription, and the server still answers a normal query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('sse', 'ws', 'raw'), documentArb, variablesArb, paramsArb, fc.array(frameArb, { maxLength: 4 }), async (transport, query, variables, params, frames) => {
        if (transport === 'raw') return rawFrames(frames);
        if (transport === 'sse') return briefly(subscribeSse(h, variables, {}, query));
        const { client } = wsClient(server.wsUrl, params);
        await briefly(subscribeWs(client, variables, query));
        // The client rejects its dispose with the close event when the server closed first (4401, 4400).
        await Promise.resolve(client.dispose()).catch(() => undefined);
      }),
      { numRuns: 80 },
    );
    await eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, `every subscription and watcher to be freed (open ${h.app.live.open}, watchers ${h.app.watchers.size})`, 10_000);
    expect((await h.query('{ messageStatus(provider: D7, id: "f44e3f43-6d4e-4e46-becd-21993f3dcb8e") { ... on MessageStatus { state } } }')).data).toEqual({ messageStatus: { state: 'READ' } });
    const { client } = wsClient(server.wsUrl);
    const sub = subscribeWs(client, { refs: [{ provider: 'D7', id: D7_SANDBOX.example }] });
    await sub.ended;
    expect(sub.results.map((r) => (r.data as { messageStatusChanged: { state: string } }).messageStatusChanged.state)).toEqual(['READ']);
    await client.dispose();
  }, 120_000);
});
