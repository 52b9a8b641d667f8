import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../../src/domain/provider-failure.js';
import { Bulkhead, INTERACTIVE, POLL, type Lane, type QueuedCall } from '../../../src/lookup/policy/bulkhead.js';

/*
 * Random interleavings of polls from several clients, interactive lookups, withdrawals,
 * promotions and releases, straight on one bulkhead. Whatever the order: every waiter is served
 * or withdrawn exactly once, no lane ever holds more than its slots, a client with polls waiting
 * sees at most (clients - 1) poll-lane grants go to others before its own turn, and nothing
 * (queues, per-client entries, slots) is left at the end.
 */

const OWNERS = ['A', 'B', 'C'];
const SLOTS = 2;
const POLL_SLOTS = 1;
const QUEUE = 3;

type Op =
  | { kind: 'poll'; owner: number; burst: number }
  | { kind: 'interactive' }
  | { kind: 'withdraw' | 'promote' | 'release'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  // Polls in bursts: one client often queues many before another queues one.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('poll' as const), owner: fc.integer({ min: 0, max: OWNERS.length - 1 }), burst: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('interactive' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('promote' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
);

interface Call {
  owner: string | undefined;
  place: QueuedCall | undefined;
  /** Settled how many times (resolved or rejected): must end at exactly 1. */
  settled: number;
  /** The lane whose slot it holds, until released. */
  holds: Lane | undefined;
  released: boolean;
  /** Waiting in the poll lane now (as far as the test knows). */
  pollWaiting: boolean;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('poll lane fairness, at random (fast-check)', () => {
  it('every waiter served or withdrawn once; slots within bounds; each client served within (clients - 1) others’ grants; nothing left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const bulkhead = new Bulkhead('D7', SLOTS, QUEUE, POLL_SLOTS);
        const calls: Call[] = [];
        /** Poll-lane grants to other clients since each client's polls started waiting (or it was last served). */
        const passed = new Map<string, number>();
        let mostPassed = 0;
        const waitingOf = (owner: string) => calls.filter((c) => c.pollWaiting && c.owner === owner).length;

        const granted = (call: Call, lane: Lane) => {
          call.settled += 1;
          call.holds = lane;
          const wasPoll = call.pollWaiting;
          call.pollWaiting = false;
          if (!wasPoll || lane !== POLL) return;
          // A grant of the poll lane: every other client still waiting passed one more turn.
          passed.set(call.owner!, 0);
          for (const owner of OWNERS) {
            if (owner === call.owner || waitingOf(owner) === 0) continue;
            const n = (passed.get(owner) ?? 0) + 1;
            passed.set(owner, n);
            // Asserted in check(): a throw here would only reject this handler's promise.
            mostPassed = Math.max(mostPassed, n);
          }
        };
        const start = (lane: Lane, owner: string | undefined) => {
          const call: Call = { owner, place: undefined, settled: 0, holds: undefined, released: false, pollWaiting: false };
          calls.push(call);
          if (lane === POLL && waitingOf(owner!) === 0) passed.set(owner!, 0);
          const queued = bulkhead.acquire(lane, (place) => (call.place = place), owner);
          if (!queued) {
            call.settled = 1;
            call.holds = lane;
            return;
          }
          call.pollWaiting = lane === POLL;
          queued.then(
            (got) => granted(call, got),
            () => {
              call.settled += 1;
              call.pollWaiting = false;
            },
          );
        };
        const check = () => {
          const holding = (lane: Lane) => calls.filter((c) => c.holds === lane && !c.released).length;
          expect(bulkhead.activeCount(INTERACTIVE)).toBe(holding(INTERACTIVE));
          expect(bulkhead.activeCount(POLL)).toBe(holding(POLL));
          expect(bulkhead.activeCount(INTERACTIVE)).toBeLessThanOrEqual(SLOTS);
          expect(bulkhead.activeCount(POLL)).toBeLessThanOrEqual(POLL_SLOTS);
          expect(bulkhead.queueLength(POLL)).toBe(calls.filter((c) => c.pollWaiting).length);
          expect(bulkhead.pollOwners()).toBe(OWNERS.filter((owner) => waitingOf(owner) > 0).length);
          for (const c of calls) expect(c.settled).toBeLessThanOrEqual(1);
          expect(mostPassed).toBeLessThanOrEqual(OWNERS.length - 1);
        };
        const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

        for (const o of ops) {
          if (o.kind === 'poll') for (let i = 0; i < o.burst; i++) start(POLL, OWNERS[o.owner]);
          else if (o.kind === 'interactive') start(INTERACTIVE, undefined);
          else if (o.kind === 'withdraw') pick(calls, o.pick)?.place?.withdraw(new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: 'gone', local: true }));
          else if (o.kind === 'promote') {
            const call = pick(calls, o.pick);
            // Only a poll is ever promoted (an interactive lookup joined it).
            if (call?.owner !== undefined && call.place && call.place.promote() === undefined && call.pollWaiting && call.settled === 0) {
              // Promoted into the interactive queue: no longer the poll lane's.
              call.pollWaiting = false;
            }
          } else {
            const call = pick(
              calls.filter((c) => c.holds !== undefined && !c.released),
              o.pick,
            );
            if (call) {
              call.released = true;
              bulkhead.release(call.holds!);
            }
          }
          await flush();
          check();
        }

        // Everyone done: release every slot held until nothing waits.
        for (let rounds = 0; rounds < 1000; rounds++) {
          const held = calls.filter((c) => c.holds !== undefined && !c.released);
          if (held.length === 0) break;
          for (const call of held) {
            call.released = true;
            bulkhead.release(call.holds!);
          }
          await flush();
          check();
        }
        for (const c of calls) expect(c.settled).toBe(1);
        expect([bulkhead.queueLength(INTERACTIVE), bulkhead.queueLength(POLL), bulkhead.activeCount(INTERACTIVE), bulkhead.activeCount(POLL), bulkhead.pollOwners()]).toEqual([0, 0, 0, 0, 0]);
      }),
      { numRuns: 50 },
    );
  });
});
