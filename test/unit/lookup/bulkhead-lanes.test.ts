import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { WatcherRegistry } from '../../../src/subscriptions/watchers.js';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { deadlineTimeout, ProviderFailure } from '../../../src/domain/provider-failure.js';
import { CircuitBreaker } from '../../../src/lookup/policy/breaker.js';
import { Bulkhead, INTERACTIVE, POLL } from '../../../src/lookup/policy/bulkhead.js';
import { PollTicket } from '../../../src/lookup/policy/poll-ticket.js';
import { judgeFailure } from '../../../src/lookup/policy/retry-rules.js';
import { StatusService } from '../../../src/lookup/status-service.js';
import type { ProviderClient } from '../../../src/providers/provider.js';
import { providers } from '../../../src/providers/registry.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Bulkhead lanes', () => {
  it('polls never take an interactive slot or queue place, and wait instead of failing', async () => {
    const bulkhead = new Bulkhead('D7', 2, 1, 1);
    expect(bulkhead.acquire(POLL)).toBeUndefined();
    // The poll lane is busy: 50 more polls wait, none fails, and interactive slots stay free.
    const polls = Array.from({ length: 50 }, () => bulkhead.acquire(POLL));
    expect(polls.every((p) => p instanceof Promise)).toBe(true);
    expect(bulkhead.queueLength(POLL)).toBe(50);
    expect(bulkhead.acquire(INTERACTIVE)).toBeUndefined();
    expect(bulkhead.acquire(INTERACTIVE)).toBeUndefined();
    expect([bulkhead.activeCount(INTERACTIVE), bulkhead.activeCount(POLL), bulkhead.queueLength(INTERACTIVE)]).toEqual([2, 1, 0]);
    // A poll's slot goes to the next poll, an interactive slot to the next interactive caller.
    const waiting = bulkhead.acquire(INTERACTIVE);
    await expect(bulkhead.acquire(INTERACTIVE)).rejects.toMatchObject({ code: 'UNAVAILABLE', local: true });
    bulkhead.release(POLL);
    await expect(polls[0]).resolves.toBe(POLL);
    expect(bulkhead.queueLength(INTERACTIVE)).toBe(1);
    bulkhead.release(INTERACTIVE);
    await expect(waiting).resolves.toBe(INTERACTIVE);
    expect(bulkhead.queueLength(POLL)).toBe(49);
  });

  it('a promoted poll takes a free interactive slot, or the back of the interactive queue; a full queue refuses it', async () => {
    const bulkhead = new Bulkhead('D7', 1, 1, 1);
    expect(bulkhead.acquire(POLL)).toBeUndefined();
    const places: PollTicket[] = [new PollTicket(), new PollTicket(), new PollTicket()];
    const polls = places.map((ticket) => bulkhead.acquire(POLL, (place) => (ticket.queued = place))!);
    // A free interactive slot: at once.
    expect(places[0]!.promote()).toBeUndefined();
    await expect(polls[0]).resolves.toBe(INTERACTIVE);
    expect([bulkhead.activeCount(INTERACTIVE), bulkhead.queueLength(POLL)]).toEqual([1, 2]);
    // Interactive slot busy, queue room: it waits there.
    expect(places[1]!.promote()).toBeUndefined();
    expect([bulkhead.queueLength(INTERACTIVE), bulkhead.queueLength(POLL)]).toEqual([1, 1]);
    // Queue full: refused; it keeps its place in the poll lane.
    expect(places[2]!.promote()).toMatchObject({ code: 'UNAVAILABLE', local: true });
    expect([bulkhead.queueLength(INTERACTIVE), bulkhead.queueLength(POLL)]).toEqual([1, 1]);
    bulkhead.release(INTERACTIVE);
    await expect(polls[1]).resolves.toBe(INTERACTIVE);
  });

  it('a poll withdrawn by its watcher leaves the queue at once; a promoted one is not withdrawn', async () => {
    const bulkhead = new Bulkhead('D7', 1, 4, 1);
    expect(bulkhead.acquire(POLL)).toBeUndefined();
    const kept = new PollTicket();
    const dropped = new PollTicket();
    const keptCall = bulkhead.acquire(POLL, (place) => (kept.queued = place))!;
    const droppedCall = bulkhead.acquire(POLL, (place) => (dropped.queued = place))!;
    expect(dropped.withdraw('D7')).toBe(true);
    await expect(droppedCall).rejects.toMatchObject({ code: 'UNAVAILABLE', local: true });
    expect(bulkhead.queueLength(POLL)).toBe(1);
    expect(kept.promote()).toBeUndefined();
    expect(kept.withdraw('D7')).toBe(false);
    await expect(keptCall).resolves.toBe(INTERACTIVE);
  });
});

describe('poll lane: in turn across clients', () => {
  it('client A queues 100 polls, then B queues 2: with one slot, B’s two are served within the next 4 grants, not after A’s 100', async () => {
    const bulkhead = new Bulkhead('D7', 1, 1, 1);
    expect(bulkhead.acquire(POLL, undefined, 'A')).toBeUndefined();
    const served: string[] = [];
    const wait = (owner: string) => void bulkhead.acquire(POLL, undefined, owner)!.then(() => served.push(owner));
    for (let i = 0; i < 100; i++) wait('A');
    wait('B');
    wait('B');
    expect([bulkhead.queueLength(POLL), bulkhead.pollOwners()]).toEqual([102, 2]);
    for (let grant = 0; grant < 4; grant++) {
      bulkhead.release(POLL);
      await settle();
    }
    expect(served.filter((owner) => owner === 'B')).toHaveLength(2);
    // B had nothing more: its queue is gone; A's go on, first come first served.
    expect([bulkhead.queueLength(POLL), bulkhead.pollOwners()]).toEqual([98, 1]);
    while (bulkhead.queueLength(POLL) > 0) bulkhead.release(POLL);
    bulkhead.release(POLL);
    await settle();
    expect([bulkhead.activeCount(POLL), bulkhead.pollOwners(), served.length]).toEqual([0, 0, 102]);
  });

  it('a withdrawn or promoted poll leaves its client’s queue; a client with none left has no queue', async () => {
    const bulkhead = new Bulkhead('D7', 1, 1, 1);
    expect(bulkhead.acquire(POLL)).toBeUndefined();
    const a = new PollTicket('A');
    const b = new PollTicket('B');
    const aCall = bulkhead.acquire(POLL, (place) => (a.queued = place), a.owner)!;
    const bCall = bulkhead.acquire(POLL, (place) => (b.queued = place), b.owner)!;
    expect(bulkhead.pollOwners()).toBe(2);
    expect(a.withdraw('D7')).toBe(true);
    await expect(aCall).rejects.toMatchObject({ code: 'UNAVAILABLE', local: true });
    expect(bulkhead.pollOwners()).toBe(1);
    expect(b.promote()).toBeUndefined();
    await expect(bCall).resolves.toBe(INTERACTIVE);
    expect([bulkhead.queueLength(POLL), bulkhead.pollOwners()]).toEqual([0, 0]);
  });
});

describe('breaker verdicts', () => {
  const theirs = new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: 'x', httpStatus: 503 });
  it('judges what the provider did, not what our limits did', async () => {
    expect(judgeFailure(theirs)).toBe('fault');
    expect(judgeFailure(new ProviderFailure({ provider: 'D7', code: 'TIMEOUT', message: 'attempt timeout' }))).toBe('fault');
    expect(judgeFailure(new ProviderFailure({ provider: 'D7', code: 'UNAUTHORIZED', message: 'x', httpStatus: 401 }))).toBe('answered');
    expect(judgeFailure(deadlineTimeout('D7'))).toBe('unknown');
    expect(judgeFailure(deadlineTimeout('D7', theirs))).toBe('fault');
    // Our full queue: says nothing about the provider.
    const full = new Bulkhead('D7', 1, 0, 1);
    full.acquire(INTERACTIVE);
    expect(judgeFailure(await full.acquire(INTERACTIVE)!.catch((error: unknown) => error))).toBe('unknown');
  });

  it('a half-open probe that our own deadline ends gives no verdict: the next call probes again', async () => {
    let now = 0;
    const breaker = new CircuitBreaker('D7', 1, 100, () => now);
    await expect(breaker.run('a', () => Promise.reject(theirs), judgeFailure)).rejects.toBe(theirs);
    expect(breaker.state).toBe('Open');
    now = 200;
    await expect(breaker.run('a', () => Promise.reject(deadlineTimeout('D7')), judgeFailure)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(breaker.state).toBe('Open');
    let called = 0;
    await expect(breaker.run('a', () => Promise.resolve(++called), judgeFailure)).resolves.toBe(1);
    expect(breaker.state).toBe('Closed');
  });
});

describe('single flight across lanes', () => {
  const { resilience, cache } = loadConfig({ WATCHER_POLL_CONCURRENCY: '1' }, providers);
  const record = (id: string): MessageStatusRecord => ({ provider: 'D7', providerMessageId: id, state: 'SENT', isFinal: false, fetchedAt: new Date(), details: {} });

  function gated() {
    const calls: string[] = [];
    const gates = new Map<string, () => void>();
    const client: ProviderClient = {
      fetchStatus: async (id) => {
        calls.push(id);
        await new Promise<void>((resolve) => gates.set(id, resolve));
        return record(id);
      },
      close: async () => {},
    };
    return { client, calls, release: (id: string) => gates.get(id)?.() };
  }

  it('an interactive lookup joining a poll that waits for the poll lane does not wait behind it', async () => {
    const provider = gated();
    const service = new StatusService(new Map([['D7', provider.client]]), { resilience, cache });
    const busy = service.lookup('D7', 'a', Date.now(), undefined, new PollTicket());
    const queuedPoll = service.lookup('D7', 'b', Date.now(), undefined, new PollTicket());
    await settle();
    expect(provider.calls).toEqual(['a']);
    // The client's lookup of b joins the poll's flight: b goes upstream now, in the interactive lane.
    const interactive = service.lookup('D7', 'b');
    await settle();
    expect(provider.calls).toEqual(['a', 'b']);
    provider.release('b');
    await expect(interactive).resolves.toMatchObject({ providerMessageId: 'b' });
    await expect(queuedPoll).resolves.toMatchObject({ providerMessageId: 'b' });
    provider.release('a');
    await expect(busy).resolves.toMatchObject({ providerMessageId: 'a' });
    expect(provider.calls).toEqual(['a', 'b']);
  });

  it('a poll whose watcher left is not joined: an interactive lookup makes its own call', async () => {
    const provider = gated();
    const service = new StatusService(new Map([['D7', provider.client]]), { resilience, cache });
    const busy = service.lookup('D7', 'a', Date.now(), undefined, new PollTicket());
    const ticket = new PollTicket();
    const withdrawn = Promise.resolve(service.lookup('D7', 'b', Date.now(), undefined, ticket)).catch((error: unknown) => error);
    ticket.withdraw('D7');
    const interactive = service.lookup('D7', 'b');
    await settle();
    provider.release('b');
    await expect(interactive).resolves.toMatchObject({ providerMessageId: 'b' });
    expect(await withdrawn).toMatchObject({ code: 'UNAVAILABLE', local: true });
    provider.release('a');
    await busy;
    expect(provider.calls).toEqual(['a', 'b']);
  });
});

describe('watchers in the poll lane', () => {
  const { resilience, cache } = loadConfig({ WATCHER_POLL_CONCURRENCY: '1' }, providers);

  it('a poll waiting for the lane leaves it when a fresher answer arrives (a webhook) or its last subscriber leaves, and counts as no poll', async () => {
    const calls: string[] = [];
    const gates: (() => void)[] = [];
    const client: ProviderClient = {
      fetchStatus: async (id) => {
        calls.push(id);
        await new Promise<void>((resolve) => gates.push(resolve));
        return { provider: 'D7', providerMessageId: id, state: 'SENT', isFinal: false, fetchedAt: new Date(), details: {} };
      },
      close: async () => {},
    };
    let loads: () => { lane: string; queued: number }[] = () => [];
    const service = new StatusService(new Map([['D7', client]]), {
      resilience,
      cache,
      metrics: { forProvider: () => ({ cacheHit() {}, cacheMiss() {}, sharedInFlight() {}, wrongMessage() {}, regression() {} }), observeBreakerStates() {}, observeBulkheads: (read) => void (loads = read) },
    });
    const polled: string[] = [];
    const registry = new WatcherRegistry(service, { maxWatchers: 10, pollMinMs: 10, pollMaxMs: 10 }, {
      subscriptionOpened() {},
      subscriptionClosed() {},
      subscriptionRefused() {},
      watcherStarted() {},
      watcherStopped() {},
      watcherPoll: (_provider, outcome) => void polled.push(outcome),
      watcherLease() {},
    });
    const pollQueue = () => loads().find((load) => load.lane === 'poll')!.queued;
    // The poll lane's one slot is busy.
    const busy = service.lookup('D7', 'busy', Date.now(), undefined, new PollTicket());
    const stop = registry.watch('D7', 'm', () => undefined);
    await vi.waitFor(() => expect(pollQueue()).toBe(1), { timeout: 2_000, interval: 5 });
    // A webhook's answer: the waiting poll is needless and leaves the queue at once.
    service.offer('D7', 'm', { provider: 'D7', providerMessageId: 'm', state: 'DELIVERED', isFinal: false, fetchedAt: new Date(), details: {} }, Date.now());
    expect(pollQueue()).toBe(0);
    // The next poll waits again; the last subscriber leaving withdraws it too.
    await vi.waitFor(() => expect(pollQueue()).toBe(1), { timeout: 2_000, interval: 5 });
    stop();
    expect(pollQueue()).toBe(0);
    gates.splice(0).forEach((open) => open());
    await busy;
    await registry.close();
    expect(calls).toEqual(['busy']);
    expect(polled).toEqual([]);
  });
});
