import { afterAll, beforeAll, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';

const D7_ID = '33333333-3333-4333-8333-333333333333';

let h: Harness;
beforeAll(async () => {
  // Breaker opens after two failed calls (on two ids) and stays open; no retries, so call counts are plain.
  h = await startHarness({ env: { BREAKER_THRESHOLD: '2', BREAKER_HALF_OPEN_MS: '600000', RETRY_MAX: '0' } });
});
afterAll(() => h.close());

const scrape = async () => (await h.get('/metrics')).text();
const lookup = (provider: string, id: string) => h.query(`{ messageStatus(provider: ${provider}, id: "${id}") { __typename } }`);

it('feeds cache hits and misses, shared in-flight calls, breaker state and bulkhead queue into /metrics', async () => {
  // Two concurrent requests for one id: one call upstream, the second joins it.
  await Promise.all([lookup('D7', D7_ID), lookup('D7', D7_ID)]);
  // A third request is answered by the cache.
  await lookup('D7', D7_ID);
  expect(h.simulator('D7').requests).toEqual([D7_ID]);

  let text = await scrape();
  expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'miss' })).toBe(2);
  expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'hit' })).toBe(1);
  expect(sample(text, 'upstream_shared_inflight_total', { provider: 'D7' })).toBe(1);
  expect(sample(text, 'upstream_breaker_state', { provider: 'BETATEL', state: 'closed' })).toBe(1);
  expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(0);

  // Two failing calls, on two messages (one id's repeats count once), open Betatel's breaker; D7's stays closed.
  await lookup('BETATEL', BETATEL_SANDBOX.serverError);
  await lookup('BETATEL', BETATEL_SANDBOX.rateLimited);
  text = await scrape();
  expect(sample(text, 'upstream_breaker_state', { provider: 'BETATEL', state: 'open' })).toBe(1);
  expect(sample(text, 'upstream_breaker_state', { provider: 'BETATEL', state: 'closed' })).toBe(0);
  expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'closed' })).toBe(1);
});
