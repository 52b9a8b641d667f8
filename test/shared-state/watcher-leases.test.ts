import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { subscribeSse, type Collected } from '../helpers/live.js';
import { sample } from '../helpers/prometheus.js';
import { testRedis, uniquePrefix, until } from '../helpers/redis.js';

// Issue 15: one watcher per message for the whole deployment, not one per replica; a lease in
// Redis names the replica that polls, and another replica takes over when its holder goes.

let clock = Date.now();
let counter = 0;
const freshId = () => `01KF${String(++counter).padStart(22, '0')}`;
const state = (r: { data?: unknown }) => (r.data as { messageStatusChanged: { state: string } }).messageStatusChanged.state;

let redis: { url: string; close(): Promise<void> };
let replicas: Harness[];
beforeAll(async () => {
  redis = await testRedis();
  // Fast polls (25 ms doubling to 50 ms), so a second makes many; one Betatel simulator for all,
  // on a clock the test moves, so its request log counts every upstream call of every replica.
  // A generous command timeout: on a loaded machine slow replies would mark Redis down (three in
  // a row) and every replica would poll on its own; stalls have tests of their own.
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('watchers'), REDIS_COMMAND_TIMEOUT_MS: '2000', RATE_LIMIT_PER_MINUTE: '0', WATCHER_POLL_MIN_MS: '25', WATCHER_POLL_MAX_MS: '50' };
  const first = await startHarness({ env, simulator: { now: () => clock } });
  const betatel = first.sandbox.simulators.BETATEL!.url;
  replicas = [first, await startHarness({ env, baseUrls: { BETATEL: betatel } }), await startHarness({ env, baseUrls: { BETATEL: betatel } })];
  await until(() => replicas.every((h) => h.app.sharedState?.connection.state === 'up'));
});
afterAll(async () => {
  for (const h of replicas) await h.app.live.endAll();
  for (const h of replicas) await h.close();
  await redis.close();
});

const upstream = (id: string) => replicas[0]!.simulator('BETATEL').requests.filter((r) => r === id).length;
const polls = async (h: Harness) => sample(await (await h.get('/metrics')).text(), 'status_watcher_polls_total', { provider: 'BETATEL' });
const pollsByReplica = () => Promise.all(replicas.map(polls));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Every session is closed after each test, so no watcher of one test polls during the next (the
// poll counter is per provider).
const open: Collected[] = [];
const subscribe = (h: Harness, id: string) => {
  const session = subscribeSse(h, { refs: [{ provider: 'BETATEL', id }] });
  open.push(session);
  return session;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await until(() => replicas.every((h) => h.app.watchers.size === 0));
});

describe('watchers across replicas', () => {
  it('three replicas with subscribers of one moving message poll it as one watcher, and all hear each change', async () => {
    const id = freshId();
    const before = await pollsByReplica();
    const sessions: Collected[] = replicas.flatMap((h) => [subscribe(h, id), subscribe(h, id)]);
    await Promise.all(sessions.map((s) => s.waitFor(1)));
    const callsAtStart = upstream(id);
    await sleep(1_000);
    // Calls first, then polls: a poll is counted when it ends, its call when the provider gets it.
    const calls = upstream(id) - callsAtStart;
    const made = (await pollsByReplica()).map((n, i) => n - before[i]!);
    // One replica polls (again and again, at 25–50 ms: how often depends on the machine's load,
    // so only "more than a few" is asserted); the other two poll not once.
    expect(made.filter((n) => n > 0)).toHaveLength(1);
    expect(Math.max(...made)).toBeGreaterThan(3);
    // Every upstream call after the first answers is a poll of that one watcher (a poll may also
    // be answered without a call, by an answer another replica had just stored); one poll may
    // still be in flight as the polls are read (its call counted, the poll not yet), no more.
    expect(calls).toBeLessThanOrEqual(made.reduce((a, b) => a + b, 0) + 1);
    expect(calls).toBeGreaterThan(3);

    clock += 2_500; // PENDING → SENT at the provider
    await Promise.all(sessions.map((s) => s.waitFor(2)));
    expect(sessions.map((s) => s.results.map(state))).toEqual(sessions.map(() => ['PENDING', 'SENT']));
  });

  it('when the polling replica loses its last subscriber, another replica takes over at once', async () => {
    const id = freshId();
    const before = await pollsByReplica();
    const sessions = replicas.map((h) => subscribe(h, id));
    await Promise.all(sessions.map((s) => s.waitFor(1)));
    await sleep(500);
    const made = (await pollsByReplica()).map((n, i) => n - before[i]!);
    const holder = made.findIndex((n) => n > 0);
    expect(holder).toBeGreaterThanOrEqual(0);

    await sessions[holder]!.close();
    await until(() => replicas[holder]!.app.watchers.size === 0);
    const handedOver = await pollsByReplica();
    await sleep(500);
    const after = (await pollsByReplica()).map((n, i) => n - handedOver[i]!);
    // A poll already upstream as the last subscriber left still ends, and counts then: that one
    // at most (its timer is cleared, so no poll starts after it); exactly one other replica polls.
    expect(after[holder]).toBeLessThanOrEqual(1);
    expect(after.filter((n, i) => i !== holder && n > 0)).toHaveLength(1);

    clock += 2_500;
    const rest = sessions.filter((_, i) => i !== holder);
    await Promise.all(rest.map((s) => s.waitFor(2)));
    expect(rest.map((s) => s.results.map(state))).toEqual([['PENDING', 'SENT'], ['PENDING', 'SENT']]);
  });

  it('a holder that died (its lease left in Redis, never renewed) costs one lease lifetime, then another replica polls', async () => {
    const id = freshId();
    const shared = replicas[1]!.app.sharedState!;
    // What a replica that died right after taking the lease leaves behind.
    expect(await shared.connection.run('test_plant', (r) => r.set(shared.leases.leaseKey(`BETATEL:${id}`), 'dead-replica:token', 'PX', 1_500))).toBe('OK');
    const before = await pollsByReplica();
    const planted = Date.now();
    const session = subscribe(replicas[1]!, id);
    await session.waitFor(1);
    const callsAtStart = upstream(id);
    await sleep(1_000);
    expect(upstream(id)).toBe(callsAtStart);
    await until(async () => (await polls(replicas[1]!)) > before[1]!, 3_000);
    // Not before the dead holder's lease ran out; soon after (tries come every 50 ms at most here).
    expect(Date.now() - planted).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - planted).toBeLessThan(2_500);
    clock += 2_500;
    await session.waitFor(2);
    expect(session.results.map(state)).toEqual(['PENDING', 'SENT']);
  });
});
