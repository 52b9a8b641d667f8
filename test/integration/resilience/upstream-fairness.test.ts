import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { freshD7Id } from '../../helpers/fault-server.js';
import { D7_LOOKUP } from '../../helpers/d7-lookup.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse, type Collected } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';
import { startSlowD7, type SlowD7 } from '../../helpers/slow-d7.js';

/*
 * Issue 20, finding 3: watcher polls of a few subscriptions filled the one bulkhead queue,
 * starved everyone's lookups (UNAVAILABLE, TIMEOUT) and opened the breaker on a healthy
 * provider. Polls now run in their own lane of WATCHER_POLL_CONCURRENCY slots.
 */

const POLL_SLOTS = 4;
const SUBSCRIPTIONS = 4;
const IDS_PER_SUBSCRIPTION = 100;

let slow: SlowD7;
let h: Harness;
beforeAll(async () => {
  slow = await startSlowD7(0);
  h = await startHarness({
    env: {
      BULKHEAD_CONCURRENCY: '8',
      WATCHER_POLL_CONCURRENCY: String(POLL_SLOTS),
      // Every poll is due at once and again soon after: as many polls waiting as there are watchers.
      WATCHER_POLL_MIN_MS: '10',
      WATCHER_POLL_MAX_MS: '100',
      // A deadline that a queue of 400 polls ahead of a lookup would run past (8 slots of 150 ms
      // serve ~53 calls a second: 7.5 s), and far beyond what 16 fresh lookups need alone.
      REQUEST_DEADLINE_MS: '3000',
      // An open circuit stays open, so a test cannot miss that it opened.
      BREAKER_HALF_OPEN_MS: '600000',
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

const scrape = async () => (await h.get('/metrics')).text();

it('watcher polls of 400 messages due at once: another client’s fresh lookups all answer, the breaker stays closed, polls hold at most WATCHER_POLL_CONCURRENCY calls', async () => {
  const groups = Array.from({ length: SUBSCRIPTIONS }, () => Array.from({ length: IDS_PER_SUBSCRIPTION }, () => freshD7Id()));
  const watched = new Set(groups.flat());
  // Warm the cache while the provider is quick, then make it answer in 150 ms.
  for (const ids of groups) {
    const warm = await h.query<{ messageStatuses: { __typename: string }[] }>(D7_LOOKUP, { refs: ids.map((id) => ({ provider: 'D7', id })) });
    expect(warm.data!.messageStatuses.every((item) => item.__typename === 'D7Report')).toBe(true);
  }
  slow.delayMs = 150;
  slow.track(watched);
  const warmHits = slow.hits(watched);

  const subscriptions: Collected[] = groups.map((ids) => subscribeSse(h, { refs: ids.map((id) => ({ provider: 'D7', id })) }));
  try {
    for (const sub of subscriptions) await sub.waitFor(IDS_PER_SUBSCRIPTION);
    // Polls are flowing, with hundreds waiting for the poll lane.
    await vi.waitFor(() => expect(slow.hits(watched) - warmHits).toBeGreaterThanOrEqual(40), { timeout: 10_000, interval: 50 });
        expect(sample(await scrape(), 'upstream_bulkhead_queue_length', { provider: 'D7', lane: 'poll' })).toBeGreaterThan(100);

    // Another client: fresh ids, three requests in a row, every item a record.
    for (let round = 0; round < 3; round++) {
      const fresh = Array.from({ length: 16 }, () => freshD7Id());
      const res = await h.query<{ messageStatuses: { __typename: string; requestId?: string; code?: string }[] }>(D7_LOOKUP, { refs: fresh.map((id) => ({ provider: 'D7', id })) });
      expect(res.data!.messageStatuses).toEqual(fresh.map((requestId) => ({ __typename: 'D7Report', requestId })));
    }
    expect(h.app.service.circuitState('D7')).toBe('Closed');
    // Counted at the provider: the polls never held more than their lane's slots.
    expect(slow.peak(watched)).toBe(POLL_SLOTS);
    const text = await scrape();
    expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7', lane: 'poll' })).toBeLessThanOrEqual(POLL_SLOTS);
  } finally {
    await Promise.all(subscriptions.map((sub) => sub.close()));
  }
  // The clients left: their watchers, and their polls waiting in the lane, are gone.
  await vi.waitFor(
    async () => {
      const text = await scrape();
      expect(sample(text, 'status_watchers_active')).toBe(0);
      expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(0);
      expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7' })).toBe(0);
    },
    { timeout: 5_000, interval: 50 },
  );
  expect(slow.open).toBe(0);
  expect(h.app.service.circuitState('D7')).toBe('Closed');
});
