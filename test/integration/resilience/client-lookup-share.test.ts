import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshD7Id } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startSlowD7, type SlowD7 } from '../../helpers/slow-d7.js';

/*
 * One key's concurrent requests filled a provider's bulkhead queue: 30 requests of 100 fresh ids
 * against a provider answering in 150 ms, and another key's 5 lookups were all UNAVAILABLE
 * within 3 ms. LOOKUPS_IN_FLIGHT_PER_CLIENT keeps each client to its share; the rest of its
 * lookups wait in its own queue. Scaled down here: a queue of 64, a share of 16.
 */

const FLOOD = 'share-flood-key-0123456789abcdef01';
const OTHER = 'share-other-key-0123456789abcdef01';
const LOOKUP = /* GraphQL */ `
  query Share($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
      ... on ProviderError { code }
    }
  }
`;

let slow: SlowD7;
let h: Harness;
beforeAll(async () => {
  slow = await startSlowD7(150);
  h = await startHarness({
    env: {
      API_KEYS: `flood:${FLOOD}:status:read,other:${OTHER}:status:read`,
      BULKHEAD_CONCURRENCY: '4',
      BULKHEAD_QUEUE: '64',
      LOOKUPS_IN_FLIGHT_PER_CLIENT: '16',
      REQUEST_DEADLINE_MS: '20000',
      BREAKER_HALF_OPEN_MS: '600000',
    },
    baseUrls: { D7: slow.url },
  });
});
afterAll(async () => {
  await h.close();
  await slow.close();
});

const ask = async (key: string, count: number) => {
  const res = await h.app.yoga.fetch('http://test.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: LOOKUP, variables: { refs: Array.from({ length: count }, () => ({ provider: 'D7', id: freshD7Id() })) } }),
  });
  const body = (await res.json()) as { data: { messageStatuses: { __typename: string; code?: string }[] } };
  return body.data.messageStatuses.map((item) => item.code ?? item.__typename);
};

it('one key with 200 fresh lookups in flight (three times the bulkhead queue) leaves room for another key, whose lookups all answer', async () => {
  const flood = Promise.all(Array.from({ length: 4 }, () => ask(FLOOD, 50)));
  // The flood's lookups have reached the bulkhead (its first calls are upstream).
  const deadline = Date.now() + 5_000;
  while (slow.open === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await ask(OTHER, 3)).toEqual(['D7Report', 'D7Report', 'D7Report']);
  // The flooding key is slowed, not refused: every one of its lookups answers too.
  const flooded = (await flood).flat();
  expect(flooded.filter((r) => r !== 'D7Report')).toEqual([]);
}, 60_000);
