import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, subscribeSse } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';

// The simulators' records advance with this clock (PENDING, SENT at 2 s...), so tests move time.
let clock = Date.now();
let h: Harness;

const BT_A = '01KB0000000000000000000A01';
const BT_B = '01KB0000000000000000000B01';
const ref = (provider: string, id: string) => ({ provider, id });

beforeAll(async () => {
  h = await startHarness({
    env: { WATCHER_POLL_MIN_MS: '20', WATCHER_POLL_MAX_MS: '40', MAX_BATCH_SIZE: '5', MAX_SUBSCRIPTIONS_PER_CLIENT: '3' },
    simulator: { now: () => clock },
  });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});
beforeEach(() => {
  h.resetCounts();
});

/** Makes the provider's record of a Betatel message final, as a webhook would (the core's entry point for pushes). */
function offerRead(id: string): void {
  const known = h.app.service.known('BETATEL', id) as MessageStatusRecord<Record<string, unknown>>;
  const fetchedAt = new Date();
  h.app.service.offer('BETATEL', id, { ...known, state: 'READ', isFinal: true, fetchedAt, details: { ...known.details, status: 'READ' } }, fetchedAt.getTime());
}

const field = (r: { data?: unknown }) => (r.data as { messageStatusChanged: Record<string, unknown> } | undefined)?.messageStatusChanged;

describe('Subscription.messageStatusChanged over SSE', () => {
  it('sends the current answer of every ref in ref order, then one event per change, and completes once every ref is final', async () => {
    const sub = subscribeSse(h, { refs: [ref('BETATEL', BT_A), ref('D7', 'nope'), ref('D7', D7_SANDBOX.example), ref('BETATEL', BT_A)] });
    const initial = (await sub.waitFor(4)).map(field);
    expect(initial.map((r) => [r?.__typename, r?.state ?? null, r?.providerMessageId])).toEqual([
      ['BetatelWdr', 'PENDING', BT_A],
      ['InvalidMessageId', null, 'nope'],
      ['D7Report', 'READ', D7_SANDBOX.example],
      ['BetatelWdr', 'PENDING', BT_A],
    ]);
    // One watcher: the repeated ref and the final/invalid ones watch nothing more.
    expect(h.app.watchers.size).toBe(1);
    clock += 2_500;
    const sent = field((await sub.waitFor(5))[4]!);
    expect([sent?.__typename, sent?.state]).toEqual(['BetatelWdr', 'SENT']);
    offerRead(BT_A);
    await sub.ended;
    expect(sub.results.map(field).slice(4).map((r) => r?.state)).toEqual(['SENT', 'READ']);
    expect(h.app.watchers.size).toBe(0);
    expect(h.app.live.open).toBe(0);
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'graphql_subscriptions_open')).toBe(0);
    expect(sample(metrics, 'status_watchers_active')).toBe(0);
    // Every upstream call for the message but the first answer was a watcher's poll.
    const polls = sample(metrics, 'status_watcher_polls_total', { provider: 'BETATEL' });
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(h.simulator('BETATEL').requests.filter((id) => id === BT_A).length).toBe(polls + 1);
  });

  it('completes at once when every ref is final from the start', async () => {
    const sub = subscribeSse(h, { refs: [ref('D7', D7_SANDBOX.example), ref('BETATEL', 'not-a-ulid')] });
    await sub.ended;
    expect(sub.results.map(field).map((r) => r?.__typename)).toEqual(['D7Report', 'InvalidMessageId']);
    expect(h.app.watchers.size).toBe(0);
  });

  it('frees the watcher when the client goes away: no more polls for that message', async () => {
    const sub = subscribeSse(h, { refs: [ref('BETATEL', BT_B)] });
    await sub.waitFor(1);
    await eventually(() => h.simulator('BETATEL').requests.filter((id) => id === BT_B).length >= 3, 'watcher polls');
    expect(h.app.watchers.subscribers('BETATEL', BT_B)).toBe(1);
    await sub.close();
    await eventually(() => h.app.watchers.size === 0 && h.app.live.open === 0, 'the watcher to stop');
    // A poll already on its way when the client left may still land; none starts after it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const polls = h.simulator('BETATEL').requests.filter((id) => id === BT_B).length;
    clock += 2_500;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.simulator('BETATEL').requests.filter((id) => id === BT_B).length).toBe(polls);
  });

  it('refuses more refs than MAX_BATCH_SIZE with BATCH_TOO_LARGE, before any upstream call', async () => {
    const refs = Array.from({ length: 6 }, (_, i) => ref('BETATEL', `01KB00000000000000000000C${i}`));
    const sub = subscribeSse(h, { refs });
    await sub.ended;
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.errors?.map((e) => [e.extensions?.code, e.extensions?.maxBatchSize])).toEqual([['BATCH_TOO_LARGE', 5]]);
    expect(sub.results[0]!.errors?.[0]?.message).toBe('messageStatusChanged accepts at most 5 refs per subscription; got 6');
    expect(h.simulator('BETATEL').requests).toEqual([]);
    expect(h.app.watchers.size).toBe(0);
  });

  it('refuses a subscription past MAX_SUBSCRIPTIONS_PER_CLIENT with TOO_MANY_SUBSCRIPTIONS, and accepts again once one closes', async () => {
    const open = [0, 1, 2].map((i) => subscribeSse(h, { refs: [ref('BETATEL', `01KB00000000000000000000D${i}`)] }));
    await Promise.all(open.map((s) => s.waitFor(1)));
    const refused = subscribeSse(h, { refs: [ref('BETATEL', BT_A)] });
    await refused.ended;
    expect(refused.results[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    expect(refused.results[0]!.errors?.[0]?.message).toMatch(/at most 3 open subscriptions per client/);
    await open[0]!.close();
    await eventually(() => h.app.live.open === 2, 'one subscription to close');
    const again = subscribeSse(h, { refs: [ref('BETATEL', '01KB00000000000000000000D9')] });
    expect(field((await again.waitFor(1))[0]!)?.state).toBe('PENDING');
    await Promise.all([again, ...open].map((s) => s.close()));
    await eventually(() => h.app.live.open === 0 && h.app.watchers.size === 0, 'every subscription to close');
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'graphql_subscriptions_refused_total', { reason: 'TOO_MANY_SUBSCRIPTIONS' })).toBe(1);
  });
});
