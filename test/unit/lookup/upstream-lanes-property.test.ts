import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { deadlineTimeout, ProviderFailure } from '../../../src/domain/provider-failure.js';
import { PollTicket } from '../../../src/lookup/policy/poll-ticket.js';
import type { ResilienceSettings } from '../../../src/lookup/settings.js';
import { StatusService, type BulkheadLoad, type LookupMetrics } from '../../../src/lookup/status-service.js';
import type { ProviderClient } from '../../../src/providers/provider.js';

/*
 * Random mixes of watcher polls and interactive lookups against a provider that is slow, fails
 * or hangs at random. Whatever the mix: the breaker opens only after provider failures, an
 * interactive lookup never gets an UNAVAILABLE that polls caused (a full queue, a withdrawn
 * poll), every lane's gauges return to zero, and the service answers afterwards.
 */

const THRESHOLD = 3;
const SLOTS = 2;
const QUEUE = 6;
const resilience: ResilienceSettings = {
  requestDeadlineMs: 150,
  attemptTimeoutMs: 100,
  bulkheadConcurrency: SLOTS,
  bulkheadQueue: QUEUE,
  pollConcurrency: 2,
  breakerThreshold: THRESHOLD,
  breakerHalfOpenMs: 30,
  retryMax: 0,
  retryBaseMs: 1,
  retryMaxDelayMs: 1,
  retryAfterCapMs: 0,
};
const cache = { maxEntries: 0, finalTtlMs: 0, movingTtlMs: 0, notFoundTtlMs: 0 };

type Behaviour = { kind: 'ok' | 'fail'; delayMs: number } | { kind: 'hang' };
const behaviour = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), delayMs: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('fail' as const), delayMs: fc.integer({ min: 0, max: 20 }) }),
  fc.constant({ kind: 'hang' as const }),
);
const op = fc.record({
  // Mostly polls, bunched: enough of them to fill a lane.
  poll: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  // Few enough ids that some lookups join a poll's flight, enough that most do not.
  id: fc.integer({ min: 0, max: 40 }),
  afterMs: fc.integer({ min: 0, max: 6 }),
  // A poll's watcher leaves this long after it started (undefined: it stays).
  leaveAfterMs: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
});

const record = (id: string): MessageStatusRecord => ({ provider: 'D7', providerMessageId: id, state: 'SENT', isFinal: false, fetchedAt: new Date(), details: {} });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The provider: each call behaves as the next entry of `script`; it counts the failures of its own making. */
function randomProvider(script: Behaviour[]) {
  const seen = { calls: 0, faults: 0, healthy: false };
  const client: ProviderClient = {
    fetchStatus: (id, call) =>
      new Promise((resolve, reject) => {
        const b: Behaviour = seen.healthy ? { kind: 'ok', delayMs: 0 } : script[seen.calls % script.length]!;
        seen.calls += 1;
        let done = false;
        const end = (fn: () => void) => {
          if (done) return;
          done = true;
          fn();
        };
        // As src/providers/http.ts does: the attempt timeout is the provider's failure, our deadline is ours.
        call?.onCancel((reason) =>
          end(() => {
            if (reason === 'timeout') seen.faults += 1;
            reject(reason === 'deadline' ? deadlineTimeout('D7') : new ProviderFailure({ provider: 'D7', code: 'TIMEOUT', message: 'D7 did not answer in time' }));
          }),
        );
        if (b.kind === 'hang') return;
        setTimeout(
          () =>
            end(() => {
              call?.settle();
              if (b.kind === 'ok') return resolve(record(id));
              seen.faults += 1;
              reject(new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: 'D7 answered 503', httpStatus: 503 }));
            }),
          b.delayMs,
        );
      }),
    close: async () => {},
  };
  return { client, seen };
}

describe('polls and interactive lookups, at random (fast-check)', () => {
  it('the breaker opens only on provider failures; interactive lookups never get a poll-caused UNAVAILABLE; gauges return to zero; the service still answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(behaviour, { minLength: 1, maxLength: 12 }), fc.array(op, { minLength: 1, maxLength: 50 }), async (script, ops) => {
        // At most as many interactive lookups as their lane holds: any refusal would be the polls' doing.
        const interactiveOps = ops.filter((o) => !o.poll).slice(0, SLOTS + QUEUE);
        const mix = ops.filter((o) => o.poll || interactiveOps.includes(o));
        const provider = randomProvider(script);
        let loads: () => BulkheadLoad[] = () => [];
        const metrics: LookupMetrics = {
          forProvider: () => ({ cacheHit() {}, cacheMiss() {}, sharedInFlight() {}, wrongMessage() {}, regression() {} }),
          observeBreakerStates() {},
          observeBulkheads: (read) => void (loads = read),
        };
        const service = new StatusService(new Map([['D7', provider.client]]), { resilience, cache, metrics });
        const breakerSeen = new Set<string>();
        const interactiveErrors: ProviderFailure[] = [];
        let faultsWhenOpened: number | undefined;
        const watchState = () => {
          const state = service.circuitState('D7')!;
          breakerSeen.add(state);
          if (state !== 'Closed' && faultsWhenOpened === undefined) faultsWhenOpened = provider.seen.faults;
        };
        const runs: Promise<unknown>[] = [];
        for (const o of mix) {
          await sleep(o.afterMs);
          watchState();
          const id = `m${o.id}`;
          if (o.poll) {
            const ticket = new PollTicket();
            runs.push(Promise.resolve(service.lookup('D7', id, Date.now(), undefined, ticket)).catch(() => undefined));
            if (o.leaveAfterMs !== undefined) setTimeout(() => ticket.withdraw('D7'), o.leaveAfterMs);
          } else {
            runs.push(
              Promise.resolve(service.lookup('D7', id)).catch((error: unknown) => {
                interactiveErrors.push(error as ProviderFailure);
              }),
            );
          }
        }
        await Promise.all(runs);
        watchState();

        // Only the provider's failures open the breaker: at least THRESHOLD of them came first.
        if (faultsWhenOpened !== undefined) expect(faultsWhenOpened).toBeGreaterThanOrEqual(THRESHOLD);
        if (provider.seen.faults < THRESHOLD) expect([...breakerSeen]).toEqual(['Closed']);
        for (const error of interactiveErrors) {
          expect(error).toBeInstanceOf(ProviderFailure);
          // Never "too many waiting" (the lane holds them all) nor a poll's withdrawal.
          expect(error.message).not.toMatch(/too many lookups waiting|poll withdrawn/);
          if (error.code === 'UNAVAILABLE') expect(error.httpStatus === 503 || /circuit open/.test(error.message)).toBe(true);
        }
        // Every lane empty and idle once the callers are answered.
        expect(loads()).toEqual([
          { provider: 'D7', lane: 'interactive', queued: 0, active: 0 },
          { provider: 'D7', lane: 'poll', queued: 0, active: 0 },
        ]);
        // And it still serves: a healthy provider answers once the circuit half-opens.
        provider.seen.healthy = true;
        await sleep(resilience.breakerHalfOpenMs + 5);
        await expect(service.lookup('D7', 'after')).resolves.toMatchObject({ providerMessageId: 'after' });
        expect(service.circuitState('D7')).toBe('Closed');
      }),
      { numRuns: 30 },
    );
  });
});
