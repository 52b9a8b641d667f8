import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { freshD7Id } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse, type Collected } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';
import { startSlowD7, type SlowD7 } from '../../helpers/slow-d7.js';

/*
 * The attack on issue 20's work: the poll lane served polls first come, first served across
 * clients, so key A watching 1,000 messages held key B's 10 behind ~800 queued polls (B saw
 * changes ~20 s late). Polls are now served in turn across clients: B's few messages are polled
 * long before A's many have all been polled once. Counted at the provider, no timings.
 */

const keyOf = (name: string) => `${name}-key-0123456789abcdefghijkl`;
const A_SUBSCRIPTIONS = 2;
const A_IDS_PER_SUBSCRIPTION = 100;
const B_IDS = 3;

const LOOKUP = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
    }
  }
`;

let slow: SlowD7;
let h: Harness;
beforeAll(async () => {
  slow = await startSlowD7(0);
  h = await startHarness({
    env: {
      API_KEYS: `a:${keyOf('a')}:status:read,b:${keyOf('b')}:status:read`,
      WATCHER_POLL_CONCURRENCY: '2',
      // Every poll is due at once and again soon after: as many polls waiting as there are watchers.
      WATCHER_POLL_MIN_MS: '10',
      WATCHER_POLL_MAX_MS: '100',
      // The subscriptions' first answers come from the cache the test warms.
      CACHE_TTL_MOVING_MS: '600000',
    },
    baseUrls: { D7: slow.url },
  });
});
afterAll(async () => {
  await h.close();
  await slow.close();
});

it('client B’s few watched messages are polled before client A’s many have all been polled once', async () => {
  const aGroups = Array.from({ length: A_SUBSCRIPTIONS }, () => Array.from({ length: A_IDS_PER_SUBSCRIPTION }, () => freshD7Id()));
  const bIds = Array.from({ length: B_IDS }, () => freshD7Id());
  // Warm the cache while the provider is quick, then make it answer slowly.
  for (const ids of [...aGroups, bIds]) {
    const warm = await h.query<{ messageStatuses: { __typename: string }[] }>(LOOKUP, { refs: ids.map((id) => ({ provider: 'D7', id })) });
    expect(warm.data!.messageStatuses.every((item) => item.__typename === 'D7Report')).toBe(true);
  }
  slow.delayMs = 150;
  const warmHits = new Map([...aGroups.flat(), ...bIds].map((id) => [id, slow.hits(new Set([id]))]));
  const polled = (ids: readonly string[]) => ids.filter((id) => slow.hits(new Set([id])) > warmHits.get(id)!).length;

  const refs = (ids: readonly string[]) => ({ refs: ids.map((id) => ({ provider: 'D7', id })) });
  const subscriptions: Collected[] = aGroups.map((ids) => subscribeSse(h, refs(ids), { 'x-api-key': keyOf('a') }));
  try {
    for (const sub of subscriptions) await sub.waitFor(A_IDS_PER_SUBSCRIPTION);
    // A's polls are queued in the poll lane before B comes.
    await vi.waitFor(async () => expect(sample(await (await h.get('/metrics')).text(), 'upstream_bulkhead_queue_length', { provider: 'D7', lane: 'poll' })).toBeGreaterThan(50), {
      timeout: 10_000,
      interval: 50,
    });
    const b = subscribeSse(h, refs(bIds), { 'x-api-key': keyOf('b') });
    subscriptions.push(b);
    await b.waitFor(B_IDS);
    // Whichever comes first: every B message polled, or every A message polled once.
    const aIds = aGroups.flat();
    await vi.waitFor(() => expect(polled(bIds) === B_IDS || polled(aIds) === aIds.length).toBe(true), { timeout: 60_000, interval: 50 });
    expect(polled(bIds)).toBe(B_IDS);
    expect(polled(aIds)).toBeLessThan(aIds.length);
  } finally {
    await Promise.all(subscriptions.map((sub) => sub.close()));
  }
  // The clients left: their watchers, and their polls and per-client queues in the lane, are gone.
  await vi.waitFor(
    async () => {
      const text = await (await h.get('/metrics')).text();
      expect(sample(text, 'status_watchers_active')).toBe(0);
      expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(0);
      expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7' })).toBe(0);
    },
    { timeout: 5_000, interval: 50 },
  );
}, 90_000);
