import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { sample } from '../../helpers/prometheus.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Issue 12: a provider body about another message is never served as ours, and no interleaving
// of calls moves a state backwards.

const OTHER_D7 = '99999999-9999-4999-8999-999999999999';
const OTHER_BETATEL = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';
const D7_PATH = /^\/whatsapp\/v2\/report\/([^/]+)$/;
const BETATEL_PATH = /^\/api\/v1\/connect-hub\/whatsapp\/([^/]+)\/wdr$/;

interface Upstream {
  url: string;
  server: Server;
  calls: Map<string, number>;
  /** What the D7 path answers for an id: the status, and whether the body names another message. */
  d7: (id: string) => { status: string; misrouted?: boolean; delayMs?: number };
}

function d7Body(id: string, status: string) {
  return { request_id: id, messages: [{ msg_id: '6d29d646-4e09-11ee-84f4-0242ac190006', recipient: '+15550001', status }], request_stage: 'processed', schedule_time: null };
}

/** A loopback stand-in for both providers, scripted per test: misrouting, or states over time. */
async function startUpstream(): Promise<Upstream> {
  const calls = new Map<string, number>();
  const up: Upstream = { url: '', server: undefined as unknown as Server, calls, d7: () => ({ status: 'read' }) };
  up.server = createServer((req, res) => {
    const send = (body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    const path = req.url ?? '';
    const d7 = D7_PATH.exec(path);
    if (d7) {
      const id = decodeURIComponent(d7[1]!);
      calls.set(id, (calls.get(id) ?? 0) + 1);
      // Decided when the request arrives: the provider's state then; answered after the delay.
      const { status, misrouted, delayMs } = up.d7(id);
      const body = d7Body(misrouted ? OTHER_D7 : id, status);
      if (delayMs) setTimeout(() => send(body), delayMs);
      else send(body);
      return;
    }
    const bt = BETATEL_PATH.exec(path);
    if (bt) {
      const id = decodeURIComponent(bt[1]!);
      calls.set(id, (calls.get(id) ?? 0) + 1);
      send({ uuid: OTHER_BETATEL, to: '38761444555', text: '482910', status: 'READ', timestamp: '2024-01-15T10:30:00.000Z' });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => up.server.listen(0, '127.0.0.1', resolve));
  up.url = `http://127.0.0.1:${(up.server.address() as AddressInfo).port}`;
  return up;
}

let up: Upstream;
let h: Harness;
beforeAll(async () => {
  up = await startUpstream();
  h = await startHarness({
    baseUrls: { D7: up.url, BETATEL: up.url },
    env: { RATE_LIMIT_PER_MINUTE: '0', CACHE_TTL_MOVING_MS: '30', RETRY_MAX: '0' },
  });
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => up.server.close(() => resolve()));
});

let counter = 0;
const freshD7 = () => `00000000-0000-4000-a000-${String(++counter).padStart(12, '0')}`;
const freshBetatel = () => `01K${String(++counter).padStart(23, '0')}`;

describe('a body about another message', () => {
  it('is a BAD_RESPONSE ProviderError for that item, for both providers, never cached, counted and logged without the body', async () => {
    const d7 = freshD7();
    const bt = freshBetatel();
    up.d7 = () => ({ status: 'read', misrouted: true });
    const query = `query($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename ... on ProviderError { code message providerMessageId } ... on D7Report { messages { recipient } } ... on BetatelWdr { text to } } }`;
    for (let round = 0; round < 2; round += 1) {
      const res = await h.query<{ messageStatuses: Record<string, unknown>[] }>(query, { refs: [{ provider: 'D7', id: d7 }, { provider: 'BETATEL', id: bt }] });
      expect(res.data!.messageStatuses).toEqual([
        { __typename: 'ProviderError', code: 'BAD_RESPONSE', message: 'D7 answered with a record for another message than the one asked for', providerMessageId: d7 },
        { __typename: 'ProviderError', code: 'BAD_RESPONSE', message: 'BETATEL answered with a record for another message than the one asked for', providerMessageId: bt },
      ]);
    }
    // Never cached: the second round asked again.
    expect([up.calls.get(d7), up.calls.get(bt)]).toEqual([2, 2]);
    expect(h.app.service.known('D7', d7)).toBeUndefined();
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'upstream_wrong_message_total', { provider: 'D7' })).toBe(2);
    expect(sample(metrics, 'upstream_wrong_message_total', { provider: 'BETATEL' })).toBe(2);
  });

  it('node and _entities refuse it too, with the BAD_RESPONSE code for that entity alone', async () => {
    const d7 = freshD7();
    const bt = freshBetatel();
    up.d7 = () => ({ status: 'read', misrouted: true });
    const node = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: encodeGlobalId('D7Report', d7) });
    expect(node.data).toEqual({ node: null });
    expect(node.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_RESPONSE']);
    const entities = await h.query<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on MessageStatus { providerMessageId } } }`,
      { r: [{ __typename: 'D7Report', requestId: d7 }, { __typename: 'MessageStatus', id: encodeGlobalId('BetatelWdr', bt) }] },
    );
    expect(entities.data!._entities).toEqual([null, null]);
    expect(entities.errors?.map((e) => [e.path?.[1], e.extensions?.code]).sort()).toEqual([
      [0, 'BAD_RESPONSE'],
      [1, 'BAD_RESPONSE'],
    ]);
  });
});

const LADDER = ['processed', 'sent', 'delivered', 'read'] as const;
const RANK: Record<string, number> = { PENDING: 0, SENT: 1, DELIVERED: 2, READ: 3 };

describe('never backwards (fast-check)', () => {
  it('no client sees an older state than one already served for that id; isFinal and fetchedAt agree with it', async () => {
    await fc.assert(
      fc.asyncProperty(
        // When the provider's state moves on (ms from the start), one step per entry: only forward.
        fc.array(fc.integer({ min: 5, max: 60 }), { minLength: 1, maxLength: 3 }),
        // Concurrent clients: when each asks (ms from the start) and its freshness demand.
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 120 }), maxAge: fc.constantFrom(undefined, 0, 0, 1, 5) }), { minLength: 4, maxLength: 14 }),
        // Upstream latency per call, in arrival order.
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 20 }),
        async (steps, clients, latencies) => {
          const id = freshD7();
          const start = Date.now();
          let moves = 0;
          const boundaries = steps.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? 0) + d], []);
          let call = 0;
          up.d7 = () => {
            const elapsed = Date.now() - start;
            const index = Math.min(boundaries.filter((b) => elapsed >= b).length, LADDER.length - 1);
            moves = Math.max(moves, index);
            return { status: LADDER[index]!, delayMs: latencies[call++ % latencies.length] };
          };
          const served: { startedAt: number; endedAt: number; state: string; isFinal: boolean; fetchedAt: number }[] = [];
          await Promise.all(
            clients.map(async ({ at, maxAge }) => {
              await new Promise((resolve) => setTimeout(resolve, at));
              const startedAt = Date.now();
              const res = await h.query<{ d7Report: { state: string; isFinal: boolean; fetchedAt: string } }>(
                `query($id: ID!, $maxAge: Int) { d7Report(requestId: $id, maxAge: $maxAge) { state isFinal fetchedAt } }`,
                { id, maxAge },
              );
              const r = res.data!.d7Report;
              served.push({ startedAt, endedAt: Date.now(), state: r.state, isFinal: r.isFinal, fetchedAt: Date.parse(r.fetchedAt) });
            }),
          );
          for (const s of served) {
            expect(s.isFinal).toBe(s.state === 'READ');
            expect(s.fetchedAt).toBeLessThanOrEqual(s.endedAt);
          }
          for (const earlier of served) {
            for (const later of served) {
              if (earlier.endedAt >= later.startedAt) continue;
              // `later` was asked after `earlier` was answered: it may not show an older state or older data.
              expect(RANK[later.state]!).toBeGreaterThanOrEqual(RANK[earlier.state]!);
              expect(later.fetchedAt).toBeGreaterThanOrEqual(earlier.fetchedAt);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 90_000);

  it('two forced lookups in flight on one id: the older call finishing last does not replace the newer answer', async () => {
    const id = freshD7();
    let n = 0;
    // The first call sees DELIVERED and answers late; the second sees READ and answers at once.
    up.d7 = () => (n++ === 0 ? { status: 'delivered', delayMs: 150 } : { status: 'read' });
    const ask = () => h.query<{ d7Report: { state: string } }>(`query($id: ID!) { d7Report(requestId: $id, maxAge: 0) { state } }`, { id });
    const first = ask();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await ask();
    expect(second.data!.d7Report.state).toBe('READ');
    expect((await first).data!.d7Report.state).toBe('READ');
    expect((await ask()).data!.d7Report.state).toBe('READ');
  });

  it('a provider that goes backwards by itself is kept at what is known, counted as a regression', async () => {
    const id = freshD7();
    up.d7 = () => ({ status: 'read' });
    const ask = () => h.query<{ d7Report: { state: string; fetchedAt: string } }>(`query($id: ID!) { d7Report(requestId: $id, maxAge: 0) { state fetchedAt } }`, { id });
    const read = (await ask()).data!.d7Report;
    const before = sample(await (await h.get('/metrics')).text(), 'status_regressions_total', { provider: 'D7' });
    up.d7 = () => ({ status: 'sent' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const after = (await ask()).data!.d7Report;
    // READ stays, and fetchedAt still says when READ was obtained.
    expect(after).toEqual(read);
    expect(up.calls.get(id)).toBe(2);
    expect(sample(await (await h.get('/metrics')).text(), 'status_regressions_total', { provider: 'D7' })).toBe(before + 1);
  });
});
