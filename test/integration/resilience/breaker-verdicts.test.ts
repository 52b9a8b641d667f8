import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshD7Id, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { lookupD7 as lookup } from '../../helpers/d7-lookup.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';

/*
 * Issue 20, finding 3: calls that waited in our own queue until the request deadline counted as
 * provider failures. The breaker now counts only what the provider did: its 5xx, 429, connection
 * errors and its attempt timeout ("theirs"); never our queue, our deadline or our full queue ("ours").
 */

let faults: FaultServer;
beforeAll(async () => {
  faults = await startFaultServer();
});
afterAll(() => faults.close());


/**
 * The breaker's state once every upstream call has ended: a caller's answer may come at its
 * request deadline, a moment before the call's own verdict reaches the breaker.
 */
async function breakerAfterCalls(h: Harness): Promise<string | undefined> {
  await vi.waitFor(
    async () => {
      const text = await (await h.get('/metrics')).text();
      expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7' }) + sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(0);
    },
    { timeout: 5_000, interval: 20 },
  );
  return h.app.service.circuitState('D7');
}

/** One failure that counts opens the circuit here; no retries unless a test sets them. */
const STRICT = { BREAKER_THRESHOLD: '1', BREAKER_HALF_OPEN_MS: '600000', RETRY_MAX: '0', UPSTREAM_TIMEOUT_MS: '10000' };

describe('ours: never counted against the provider', () => {
  let h: Harness;
  beforeAll(async () => {
    // One slot: the second call waits for the first; the attempt timeout is far past the deadline.
    h = await startHarness({
      env: { ...STRICT, BULKHEAD_CONCURRENCY: '1', BULKHEAD_QUEUE: '10', REQUEST_DEADLINE_MS: '2000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '10000' },
      baseUrls: { D7: faults.url },
    });
  });
  afterAll(() => h.close());

  it('calls that waited in our queue: one gets the slot late and our deadline cuts it, the others are withdrawn; the breaker stays closed', async () => {
    const ids = Array.from({ length: 5 }, () => freshD7Id());
    // The first answers well within the deadline; the second gets the slot with less time left than it needs.
    for (const id of ids) faults.script(id, { kind: 'ok', delayMs: 1_200 });
    const items = await lookup(h, ...ids);
    expect(items[0]).toEqual({ __typename: 'D7Report', requestId: ids[0] });
    expect(items.slice(1)).toEqual(ids.slice(1).map(() => expect.objectContaining({ __typename: 'ProviderError', code: 'TIMEOUT' })));
    // The second went upstream with the time the queue left it; the rest never did.
    expect(ids.map((id) => faults.hits(id))).toEqual([1, 1, 0, 0, 0]);
    expect(await breakerAfterCalls(h)).toBe('Closed');
    // And the provider is still called: the next lookup answers.
    const next = freshD7Id();
    expect(await lookup(h, next)).toEqual([{ __typename: 'D7Report', requestId: next }]);
  });

  it('our deadline ending an attempt before the provider’s attempt timeout: TIMEOUT for the caller, nothing for the breaker', async () => {
    const hanging = freshD7Id();
    faults.script(hanging, { kind: 'hang' });
    expect(await lookup(h, hanging)).toEqual([expect.objectContaining({ __typename: 'ProviderError', code: 'TIMEOUT', message: expect.stringMatching(/deadline/) })]);
    expect(faults.hits(hanging)).toBe(1);
    expect(await breakerAfterCalls(h)).toBe('Closed');
  });

  it('a full queue refuses with UNAVAILABLE and counts nothing', async () => {
    const ids = Array.from({ length: 13 }, () => freshD7Id());
    for (const id of ids) faults.script(id, { kind: 'ok', delayMs: 50 });
    const items = await lookup(h, ...ids);
    expect(items.filter((item) => item.code === 'UNAVAILABLE')).toHaveLength(2);
    expect(await breakerAfterCalls(h)).toBe('Closed');
  });
});

describe('theirs: a provider that really fails still opens the circuit', () => {
  it('a hang past the provider’s attempt timeout (within our deadline) opens it', async () => {
    const h = await startHarness({ env: { ...STRICT, REQUEST_DEADLINE_MS: '3000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '300' }, baseUrls: { D7: faults.url } });
    try {
      const hanging = freshD7Id();
      faults.script(hanging, { kind: 'hang' });
      expect(await lookup(h, hanging)).toEqual([expect.objectContaining({ code: 'TIMEOUT', message: expect.not.stringMatching(/deadline/) })]);
      expect(await breakerAfterCalls(h)).toBe('Open');
    } finally {
      await h.close();
    }
  });

  it('a 500 opens it', async () => {
    const h = await startHarness({ env: STRICT, baseUrls: { D7: faults.url } });
    try {
      const failing = freshD7Id();
      faults.script(failing, { kind: 'status', status: 500 });
      expect(await lookup(h, failing)).toEqual([expect.objectContaining({ code: 'UNAVAILABLE' })]);
      expect(await breakerAfterCalls(h)).toBe('Open');
    } finally {
      await h.close();
    }
  });

  it('a 503 whose retry our deadline cuts short is still the provider’s failure: it opens it', async () => {
    const h = await startHarness({
      env: { ...STRICT, RETRY_MAX: '1', RETRY_BASE_MS: '10', REQUEST_DEADLINE_MS: '800', UPSTREAM_ATTEMPT_TIMEOUT_MS: '10000' },
      baseUrls: { D7: faults.url },
    });
    try {
      const flaky = freshD7Id();
      faults.script(flaky, { kind: 'status', status: 503 }, { kind: 'hang' });
      expect(await lookup(h, flaky)).toEqual([expect.objectContaining({ code: 'TIMEOUT' })]);
      expect(faults.hits(flaky)).toBe(2);
      expect(await breakerAfterCalls(h)).toBe('Open');
    } finally {
      await h.close();
    }
  });
});
