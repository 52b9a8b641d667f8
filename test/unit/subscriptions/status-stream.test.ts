import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { StatusStream } from '../../../src/subscriptions/status-stream.js';
import type { StreamRef } from '../../../src/subscriptions/subscription-requests.js';

type Problem = { kind: string };
const record = (id: string, state: MessageStatusRecord['state'], isFinal = false): MessageStatusRecord => ({ provider: 'BETATEL', providerMessageId: id, state, isFinal, fetchedAt: new Date(), details: {} });

/** A stream over fake watchers: `emit` plays a change of one message; `watching` lists what is watched now. */
function setup(refs: StreamRef<Problem>[], maxLifetimeMs = 60_000, claimWithinMs?: number) {
  const listeners = new Map<string, (r: MessageStatusRecord) => void>();
  let ended = 0;
  const stream = new StatusStream<Problem>({
    refs,
    isFinalProblem: (p) => p.kind === 'InvalidMessageId',
    watch: (provider, id, listener) => {
      listeners.set(`${provider}:${id}`, listener);
      return () => listeners.delete(`${provider}:${id}`);
    },
    maxLifetimeMs,
    claimWithinMs,
    onEnd: () => (ended += 1),
  });
  return { stream, emit: (id: string, r: MessageStatusRecord) => listeners.get(`BETATEL:${id}`)?.(r), watching: () => [...listeners.keys()], ended: () => ended };
}
const ref = (id: string | undefined, initial: MessageStatusRecord | Problem): StreamRef<Problem> => ({
  message: id ? { provider: 'BETATEL', id } : undefined,
  initial: () => Promise.resolve(initial),
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('StatusStream', () => {
  it('never sends a change the subscriber cannot see, and never a fetchedAt older than the event before it (issue 21 item 6)', async () => {
    const t = Date.now();
    const at = (ms: number) => new Date(t + ms);
    const a0 = { ...record('a', 'PENDING'), fetchedAt: at(0) };
    const { stream, emit } = setup([ref('a', a0)]);
    expect(((await stream.next()).value as MessageStatusRecord).state).toBe('PENDING');
    const seen: MessageStatusRecord[] = [];
    const pull = async () => seen.push((await stream.next()).value as MessageStatusRecord);
    // Pulled one at a time: a repeat that is pending alone must not come out as an event.
    let next = pull();
    emit('a', { ...a0, fetchedAt: at(10) }); // same state and details, later: not news
    emit('a', { ...record('a', 'SENT'), fetchedAt: at(20) });
    await next;
    next = pull();
    emit('a', { ...record('a', 'SENT'), fetchedAt: at(30) }); // same again, pulled alone: no event
    await vi.advanceTimersByTimeAsync(1);
    emit('a', { ...record('a', 'DELIVERED'), fetchedAt: at(19) }); // news, observed 1 ms before the SENT event
    await next;
    next = pull();
    emit('a', { ...record('a', 'READ', true), fetchedAt: at(40) });
    await next;
    expect(seen.map((r) => [r.state, r.fetchedAt.getTime() - t])).toEqual([
      ['SENT', 20],
      ['DELIVERED', 20],
      ['READ', 40],
    ]);
    expect((await stream.next()).done).toBe(true);
  });

  it('a change heard while the first answer is on its way, saying the same by another road (another replica), is not sent twice', async () => {
    const a0 = record('a', 'PENDING');
    const { stream, emit } = setup([ref('a', a0)]);
    // The same state and details in another object, observed a moment later.
    emit('a', { ...a0, fetchedAt: new Date(a0.fetchedAt.getTime() + 5) });
    expect(((await stream.next()).value as MessageStatusRecord).state).toBe('PENDING');
    const next = stream.next();
    emit('a', record('a', 'SENT'));
    expect(((await next).value as MessageStatusRecord).state).toBe('SENT');
  });

  it('yields the first answers in ref order even when a change arrives before them, then the changes, and ends once every ref is final', async () => {
    const a0 = record('a', 'PENDING');
    const { stream, emit, watching, ended } = setup([ref('a', a0), ref(undefined, { kind: 'InvalidMessageId' }), ref('b', record('b', 'READ', true))]);
    expect(watching()).toEqual(['BETATEL:a', 'BETATEL:b']);
    // The change that produced the first answer itself is not sent twice.
    emit('a', a0);
    const first = await Promise.all([stream.next(), stream.next(), stream.next()]);
    expect(first.map((s) => (s.value as MessageStatusRecord).state ?? (s.value as Problem).kind)).toEqual(['PENDING', 'InvalidMessageId', 'READ']);
    expect(watching()).toEqual(['BETATEL:a']);
    emit('a', record('a', 'SENT'));
    emit('a', record('a', 'DELIVERED')); // not pulled yet: the latest per message wins
    expect(((await stream.next()).value as MessageStatusRecord).state).toBe('DELIVERED');
    const waiting = stream.next();
    emit('a', record('a', 'READ', true));
    expect(((await waiting).value as MessageStatusRecord).state).toBe('READ');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(watching()).toEqual([]);
    expect(ended()).toBe(1);
  });

  it('frees its watchers at once on return(), even while a next() waits for a change', async () => {
    const { stream, watching, ended } = setup([ref('a', record('a', 'SENT'))]);
    await stream.next();
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(watching()).toEqual([]);
    expect(ended()).toBe(1);
    await stream.return();
    expect(ended()).toBe(1);
  });

  it('completes after its maximum lifetime though nothing is final', async () => {
    const { stream, watching, ended } = setup([ref('a', record('a', 'SENT'))], 5_000);
    await stream.next();
    const waiting = stream.next();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(watching()).toEqual([]);
    expect(ended()).toBe(1);
  });

  it('fails the whole stream when a first answer is refused (not a per-ref problem), and frees everything', async () => {
    const refused = new Error('FORBIDDEN');
    const { stream, watching, ended } = setup([{ message: { provider: 'BETATEL', id: 'a' }, initial: () => Promise.reject(refused) }]);
    await expect(stream.next()).rejects.toBe(refused);
    expect(watching()).toEqual([]);
    expect(ended()).toBe(1);
  });

  it('ends when nothing pulls it within claimWithinMs (a response that was never sent), and not once pulled', async () => {
    const unclaimed = setup([ref('a', record('a', 'SENT'))], 60_000, 1_000);
    expect(unclaimed.watching()).toEqual(['BETATEL:a']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(unclaimed.watching()).toEqual([]);
    expect(unclaimed.ended()).toBe(1);

    const claimed = setup([ref('b', record('b', 'SENT'))], 60_000, 1_000);
    await claimed.stream.next();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(claimed.watching()).toEqual(['BETATEL:b']);
    expect(claimed.ended()).toBe(0);
    await claimed.stream.return();
  });
});
