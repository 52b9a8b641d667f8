import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { eventually, subscribeSse, type Collected } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  // Fast polls, so the run below makes several; the cache keeps answers 5 s, as by default.
  h = await startHarness({ env: { WATCHER_POLL_MIN_MS: '25', WATCHER_POLL_MAX_MS: '50', MAX_SUBSCRIPTIONS_PER_CLIENT: '100' }, simulator: { now: () => clock } });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});

const state = (r: { data?: unknown }) => (r.data as { messageStatusChanged: { state: string } }).messageStatusChanged.state;

/** `subscribers` clients follow one moving id through PENDING → SENT for the same span of time; the upstream GETs for that id. */
async function follow(id: string, subscribers: number): Promise<{ upstream: number; polls: number; elapsedMs: number; sessions: Collected[] }> {
  const pollsBefore = await watcherPolls();
  const start = performance.now();
  const sessions = Array.from({ length: subscribers }, () => subscribeSse(h, { refs: [{ provider: 'BETATEL', id }] }));
  await Promise.all(sessions.map((s) => s.waitFor(1)));
  expect(h.app.watchers.subscribers('BETATEL', id)).toBe(subscribers);
  expect(h.app.watchers.size).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  clock += 2_500;
  await Promise.all(sessions.map((s) => s.waitFor(2)));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await Promise.all(sessions.map((s) => s.close()));
  await eventually(() => h.app.watchers.size === 0, 'the watcher to stop');
  const elapsedMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { upstream: h.simulator('BETATEL').requests.filter((r) => r === id).length, polls: (await watcherPolls()) - pollsBefore, elapsedMs, sessions };
}

async function watcherPolls(): Promise<number> {
  return sample(await (await h.get('/metrics')).text(), 'status_watcher_polls_total', { provider: 'BETATEL' });
}

describe('one watcher per message, shared by every subscriber', () => {
  it('50 subscribers of one moving id make the upstream calls of one subscriber', async () => {
    const one = await follow('01KE0000000000000000000A01', 1);
    const fifty = await follow('01KE0000000000000000000B01', 50);
    for (const session of fifty.sessions) expect(session.results.map(state)).toEqual(['PENDING', 'SENT']);
    // Every upstream call is the one shared first lookup or a poll of the one watcher, for 1
    // subscriber as for 50: nothing scales with the subscribers.
    expect(one.upstream).toBe(1 + one.polls);
    expect(fifty.upstream).toBe(1 + fifty.polls);
    // Polls are bounded by time, not by subscribers: one watcher polls at most once per
    // WATCHER_POLL_MIN_MS (25 ms) however long a loaded machine takes to open 50 streams; a
    // watcher per subscriber would poll about 50 times that.
    expect(one.polls).toBeGreaterThan(3);
    expect(fifty.polls).toBeLessThanOrEqual(fifty.elapsedMs / 25 + 2);
  });
});
