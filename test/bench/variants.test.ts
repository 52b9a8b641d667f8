// The benchmark's variants against its mock upstream: not timed, only the exact upstream
// call counts and answer shapes the benchmark relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctCount, makeRefs, type Ref } from '../../bench/ids.js';
import { MOCK_BETATEL_ACCOUNT, MOCK_BETATEL_KEY, MOCK_D7_TOKEN, startMockUpstream, type MockUpstream } from '../../bench/mock-upstream.js';
import { startB0 } from '../../bench/variants/b0.js';
import type { Running } from '../../bench/variants/serve.js';
import { BENCH_QUERY } from '../../bench/variants/common.js';
import { startNaive } from '../../bench/variants/naive.js';
import { startPeer } from '../../bench/variants/peer.js';
import { benchKey } from '../../bench/credentials.js';
import { startService } from '../../bench/variants/service.js';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream({ latencyMs: 1 });
});
afterAll(async () => {
  await mock.close();
});

const upstream = () => ({ url: mock.url, d7Token: MOCK_D7_TOKEN, betatelKey: MOCK_BETATEL_KEY, betatelAccount: MOCK_BETATEL_ACCOUNT });

async function ask(port: number, refs: Ref[]) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    // S runs in live mode and needs a key; the other variants ignore it.
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': benchKey(0) },
    body: JSON.stringify({ query: BENCH_QUERY, variables: { refs } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { messageStatuses: Array<Record<string, unknown>> } }).data.messageStatuses;
}

// 10 refs, 5 distinct (each twice), D7 and Betatel mixed.
const refs = makeRefs(7, 42, { size: 10, repeated: 0.5, providers: 'mix' });

describe.each([
  ['S (this service)', startService, 5],
  ['B0 (bare node:http + undici)', startB0, 5],
  ['N (naive GraphQL, no DataLoader)', startNaive, 10],
  ['P (Apollo Server + RESTDataSource)', startPeer, 5],
] as const)('%s', (_name, start, expectedCalls) => {
  let server: Running;
  beforeAll(async () => {
    server = await start(upstream());
  });
  afterAll(async () => {
    await server.close();
  });

  it(`one request with 10 refs of which 5 distinct makes ${expectedCalls} upstream calls and answers every ref in order`, async () => {
    expect(distinctCount(refs)).toBe(5);
    mock.reset();
    const items = await ask(server.port, refs);
    expect(mock.totalCalls()).toBe(expectedCalls);
    expect(mock.callsForRequests([42])).toBe(expectedCalls);
    expect(items.map((i) => [i.__typename, i.providerMessageId, i.state, i.isFinal])).toEqual(
      refs.map((r) => [r.provider === 'D7' ? 'D7Report' : 'BetatelWdr', r.id, 'DELIVERED', false]),
    );
  });
});
