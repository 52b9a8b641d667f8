import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryState } from '../../../src/domain/delivery-state.js';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import type { StatusChange } from '../../../src/lookup/status-service.js';
import type { LiveMetrics } from '../../../src/subscriptions/metrics.js';
import { WatcherRegistry, type WatchedService, type WatcherLeases } from '../../../src/subscriptions/watchers.js';

const SETTINGS = { maxWatchers: 3, pollMinMs: 2_000, pollMaxMs: 60_000 };

function record(state: DeliveryState, details: unknown = { n: 1 }): MessageStatusRecord {
  return { provider: 'BETATEL', providerMessageId: 'm1', state, isFinal: state === 'READ', fetchedAt: new Date(), details };
}

/** A status service whose upstream answers `answer` and which tells listeners of changes as the real one does. */
function fakeService() {
  const listeners = new Set<(change: StatusChange) => void>();
  let known: MessageStatusRecord | undefined;
  const polls: number[] = [];
  const service = {
    answer: record('PENDING'),
    polls,
    push(next: MessageStatusRecord) {
      const previous = known;
      known = next;
      for (const listener of listeners) listener({ provider: 'BETATEL', id: 'm1', record: next, previous, checkedAt: next.fetchedAt.getTime(), origin: 'local' });
    },
    lookup: (() => {
      polls.push(Date.now());
      const next = { ...service.answer, fetchedAt: new Date() };
      service.push(next);
      return Promise.resolve(next);
    }) as WatchedService['lookup'],
    known: () => known,
    onChange(listener: (change: StatusChange) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return service;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Delays between consecutive polls, in ms. */
const gaps = (polls: number[]) => polls.slice(1).map((at, i) => at - polls[i]!);

describe('WatcherRegistry', () => {
  it('polls an unchanging message at 2 s, then doubling up to 60 s', async () => {
    const service = fakeService();
    const registry = new WatcherRegistry(service, SETTINGS);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(service.polls[0]! - 1_000_000).toBe(2_000);
    expect(gaps(service.polls).slice(0, 7)).toEqual([4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('resets the delay to 2 s when a poll finds a new state, and stops polling once final', async () => {
    const service = fakeService();
    const registry = new WatcherRegistry(service, SETTINGS);
    const heard: string[] = [];
    registry.watch('BETATEL', 'm1', (r) => heard.push(r.state));
    await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000); // polls at 2, 6, 14 s
    service.answer = record('DELIVERED');
    await vi.advanceTimersByTimeAsync(16_000); // poll at 30 s finds DELIVERED
    await vi.advanceTimersByTimeAsync(2_000); // so the next is 2 s later, not 32
    expect(gaps(service.polls)).toEqual([4_000, 8_000, 16_000, 2_000]);
    service.answer = record('READ');
    await vi.advanceTimersByTimeAsync(4_000);
    const count = service.polls.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(service.polls.length).toBe(count);
    // One event per change: the first answer, DELIVERED, READ; same-state refreshes are no events.
    expect(heard).toEqual(['PENDING', 'DELIVERED', 'READ']);
  });

  it('pushes the next poll back when a change arrives from elsewhere (a webhook)', async () => {
    const service = fakeService();
    const registry = new WatcherRegistry(service, SETTINGS);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(1_500);
    service.push(record('SENT')); // at 1.5 s: the poll due at 2 s moves to 3.5 s
    await vi.advanceTimersByTimeAsync(1_900);
    expect(service.polls).toEqual([]);
    service.push(record('SENT', { n: 2 })); // new details, same state, at 3.4 s: poll moves to 5.4 s
    await vi.advanceTimersByTimeAsync(1_900);
    expect(service.polls).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(service.polls).toEqual([1_005_400]);
  });

  it('shares one watcher among subscribers and frees it with the last one', async () => {
    const service = fakeService();
    const registry = new WatcherRegistry(service, SETTINGS);
    const heard: number[] = [];
    const leave = Array.from({ length: 50 }, (_, i) => registry.watch('BETATEL', 'm1', () => heard.push(i)));
    expect(registry.size).toBe(1);
    expect(registry.subscribers('BETATEL', 'm1')).toBe(50);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(service.polls.length).toBe(1);
    expect(heard.length).toBe(50);
    for (const stop of leave.slice(0, 49)) stop();
    leave[0]!(); // leaving twice changes nothing
    expect(registry.subscribers('BETATEL', 'm1')).toBe(1);
    leave[49]!();
    expect(registry.size).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(service.polls.length).toBe(1);
  });

  it('caps the watchers: room is checked before, and watching past the cap throws', () => {
    const service = fakeService();
    const registry = new WatcherRegistry(service, SETTINGS);
    for (const id of ['a', 'b', 'c']) registry.watch('BETATEL', id, () => undefined);
    expect(registry.hasRoomFor(['BETATEL:a', 'BETATEL:b'])).toBe(true);
    expect(registry.hasRoomFor(['BETATEL:a', 'BETATEL:d'])).toBe(false);
    expect(() => registry.watch('BETATEL', 'd', () => undefined)).toThrow(/watcher limit of 3/);
    expect(registry.size).toBe(3);
  });

  it('keeps polling with backoff when the provider fails, and never throws', async () => {
    const service = fakeService();
    let calls = 0;
    service.lookup = (() => {
      calls += 1;
      return Promise.reject(new Error('UNAVAILABLE'));
    }) as WatchedService['lookup'];
    const outcomes: string[] = [];
    const registry = new WatcherRegistry(service, SETTINGS, liveMetrics({ watcherPoll: (_p, outcome) => void outcomes.push(outcome) }));
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000);
    expect(calls).toBe(3);
    expect(outcomes).toEqual(['error', 'error', 'error']);
  });

  it('counts its polls to the client of its earliest subscriber still present, then to the next one', async () => {
    const service = fakeService();
    const owners: string[] = [];
    const lookup = service.lookup;
    service.lookup = ((provider, id, notBefore, trace, poll) => {
      owners.push(poll!.owner);
      return lookup(provider, id, notBefore, trace, poll);
    }) as WatchedService['lookup'];
    const registry = new WatcherRegistry(service, SETTINGS);
    const leaveA = registry.watch('BETATEL', 'm1', () => undefined, 'key:a');
    const leaveB1 = registry.watch('BETATEL', 'm1', () => undefined, 'key:b');
    registry.watch('BETATEL', 'm1', () => undefined, 'key:b');
    registry.watch('BETATEL', 'm1', () => undefined, 'key:c');
    await vi.advanceTimersByTimeAsync(2_000);
    leaveA();
    await vi.advanceTimersByTimeAsync(4_000);
    // One of B's two subscribers leaves: B still has one, and keeps the polls.
    leaveB1();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(owners).toEqual(['key:a', 'key:b', 'key:b']);
  });

  it('counts a shared watcher’s polls to the subscriber client watching the fewest messages; no client entry outlives its watchers', async () => {
    const service = fakeService();
    const owners: string[] = [];
    const lookup = service.lookup;
    service.lookup = ((provider, id, notBefore, trace, poll) => {
      if (id === 'm1') owners.push(poll!.owner);
      return lookup(provider, id, notBefore, trace, poll);
    }) as WatchedService['lookup'];
    const registry = new WatcherRegistry(service, SETTINGS);
    // A came first and watches three messages; B watches only m1: m1's polls are B's turns.
    const leave = ['m1', 'm2', 'm3'].map((id) => registry.watch('BETATEL', id, () => undefined, 'key:a'));
    const leaveB = registry.watch('BETATEL', 'm1', () => undefined, 'key:b');
    expect(registry.clients).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(owners).toEqual(['key:b']);
    leaveB();
    for (const stop of leave) stop();
    expect([registry.size, registry.clients]).toEqual([0, 0]);
  });
});

/** Leases as Redis keeps them (one holder per key, lifetimes on the fake clock), reachable or not. */
function fakeLeases() {
  const held = new Map<string, { token: string; until: number }>();
  let n = 0;
  const live = (key: string) => {
    const lease = held.get(key);
    return lease && lease.until > Date.now() ? lease : undefined;
  };
  const leases = {
    reachable: true,
    released: [] as string[],
    /** Takes the lease as another replica would. */
    takeAs(key: string, ttlMs: number) {
      held.set(key, { token: 'other', until: Date.now() + ttlMs });
    },
    holder: (key: string) => live(key)?.token,
    async acquire(key: string, ttlMs: number) {
      if (!leases.reachable) return { outcome: 'unavailable' as const };
      if (live(key)) return { outcome: 'held' as const };
      const token = `t${++n}`;
      held.set(key, { token, until: Date.now() + ttlMs });
      return { outcome: 'won' as const, token };
    },
    async renew(key: string, token: string, ttlMs: number) {
      if (!leases.reachable) return 'unavailable' as const;
      if (live(key)?.token !== token) return 'lost' as const;
      held.set(key, { token, until: Date.now() + ttlMs });
      return 'renewed' as const;
    },
    async release(key: string, token: string) {
      if (live(key)?.token === token) held.delete(key);
      leases.released.push(token);
    },
  } satisfies WatcherLeases & Record<string, unknown>;
  return leases;
}

describe('WatcherRegistry with leases (several replicas)', () => {
  const KEY = 'BETATEL:m1';

  it('the replica that takes the lease polls, and keeps it by renewing as it arms each poll', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    const registry = new WatcherRegistry(service, SETTINGS, undefined, leases);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(300_000);
    // The same schedule as without leases: 2 s, then doubling to 60 s, all under one lease.
    expect(gaps(service.polls).slice(0, 6)).toEqual([4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(leases.holder(KEY)).toBe('t1');
  });

  it('while another replica holds the lease nothing is polled here; its answers still reach the subscribers', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    leases.takeAs(KEY, 3_600_000);
    const outcomes: string[] = [];
    const registry = new WatcherRegistry(service, SETTINGS, leaseCounter(outcomes), leases);
    const heard: string[] = [];
    registry.watch('BETATEL', 'm1', (r) => heard.push(r.state));
    await vi.advanceTimersByTimeAsync(5_000);
    service.push(record('SENT')); // the holder's poll, heard as a status event
    await vi.advanceTimersByTimeAsync(300_000);
    expect(service.polls).toEqual([]);
    expect(heard).toEqual(['SENT']);
    // Tries back off like polls: at 2 s, 9 s (pushed back by the event at 5 s), 17, 33, 65 s, then every 60 s.
    expect(outcomes).toEqual(Array.from({ length: 9 }, () => 'held'));
  });

  it('a holder that stops renewing (it died) is taken over once its lease runs out', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    leases.takeAs(KEY, 10_000); // a replica that died just after taking it
    const registry = new WatcherRegistry(service, SETTINGS, undefined, leases);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(service.polls).toEqual([]);
    // Tries at 2, 6 s (held), 14 s: free, taken, polled.
    await vi.advanceTimersByTimeAsync(5_100);
    expect(service.polls).toEqual([1_014_000]);
    expect(leases.holder(KEY)).toBe('t1');
  });

  it('the last subscriber leaving hands the lease back at once; so does a final state and closing', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    const registry = new WatcherRegistry(service, SETTINGS, undefined, leases);
    const leave = registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(leases.holder(KEY)).toBe('t1');
    leave();
    await vi.advanceTimersByTimeAsync(0);
    expect(leases.holder(KEY)).toBeUndefined();

    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(leases.holder(KEY)).toBe('t2');
    service.answer = record('READ');
    await vi.advanceTimersByTimeAsync(4_000);
    expect(leases.holder(KEY)).toBeUndefined();

    const other = new WatcherRegistry(fakeService(), SETTINGS, undefined, leases);
    other.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(leases.holder(KEY)).toBe('t3');
    await other.close();
    expect(leases.holder(KEY)).toBeUndefined();
    expect(leases.released).toEqual(['t1', 't2', 't3']);
  });

  it('leases out of reach: it polls here, as one process alone; back in reach, one replica polls again', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    leases.reachable = false;
    const registry = new WatcherRegistry(service, SETTINGS, undefined, leases);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000 + 4_000);
    expect(service.polls.length).toBe(2);
    // Redis is back, and another replica took the lease first: this one stops polling.
    leases.reachable = true;
    leases.takeAs(KEY, 3_600_000);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(service.polls.length).toBe(2);
  });

  it('a holder whose lease was taken over (it paused past it) stops polling at its next renewal', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    const outcomes: string[] = [];
    const registry = new WatcherRegistry(service, SETTINGS, leaseCounter(outcomes), leases);
    registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(service.polls.length).toBe(1);
    leases.takeAs(KEY, 3_600_000); // as if its lease had run out and another replica took it
    await vi.advanceTimersByTimeAsync(4_000); // polls once more (it believed it held it), then renews: lost
    await vi.advanceTimersByTimeAsync(300_000);
    expect(service.polls.length).toBe(2);
    expect(outcomes).toEqual(['won', 'lost', ...outcomes.slice(2).map(() => 'held')]);
  });

  it('a watcher unwatched while Redis is slow to answer its lease attempt makes no poll (it polled for nobody)', async () => {
    const service = fakeService();
    const leases = fakeLeases();
    // Redis frozen: the attempt resolves unavailable only at the command timeout.
    const slow: WatcherLeases = { ...leases, acquire: () => new Promise((resolve) => setTimeout(() => resolve({ outcome: 'unavailable' }), 150)) };
    const registry = new WatcherRegistry(service, SETTINGS, undefined, slow);
    const unwatch = registry.watch('BETATEL', 'm1', () => undefined);
    await vi.advanceTimersByTimeAsync(2_050); // its first poll is due, and waits for the lease
    unwatch();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(service.polls).toEqual([]);
    expect(registry.size).toBe(0);
  });
});

/** Live metrics that record nothing but what `counting` records. */
function liveMetrics(counting: Partial<LiveMetrics>): LiveMetrics {
  const none = () => undefined;
  return { watcherPoll: none, watcherStarted: none, watcherStopped: none, subscriptionOpened: none, subscriptionClosed: none, subscriptionRefused: none, watcherLease: none, ...counting };
}

const leaseCounter = (outcomes: string[]) => liveMetrics({ watcherLease: (outcome) => void outcomes.push(outcome) });
