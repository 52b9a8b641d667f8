import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientLookupSlots } from '../../../src/lookup/client-slots.js';

describe('ClientLookupSlots: upstream lookups in flight per client', () => {
  it('property: random lookups (values, answers, failures, throws) of random clients never exceed the share, all settle, and nothing is kept after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ client: fc.constantFrom('a', 'b', 'c'), kind: fc.constantFrom('value', 'resolve', 'reject', 'throw'), ticks: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
        async (perClient, calls) => {
          const slots = new ClientLookupSlots(perClient);
          const active = new Map<string, number>();
          let most = 0;
          const settled = await Promise.allSettled(
            calls.map(({ client, kind, ticks }) =>
              Promise.resolve().then(() =>
                slots.run(client, () => {
                  const now = (active.get(client) ?? 0) + 1;
                  active.set(client, now);
                  most = Math.max(most, now);
                  const done = () => active.set(client, active.get(client)! - 1);
                  if (kind === 'value') return done(), 'v';
                  if (kind === 'throw') throw (done(), new Error('thrown'));
                  return new Promise((resolve, reject) => {
                    let left = ticks;
                    const tick = () => (left-- > 0 ? setImmediate(tick) : (done(), kind === 'resolve' ? resolve('r') : reject(new Error('rejected'))));
                    tick();
                  });
                }),
              ),
            ),
          );
          expect(settled).toHaveLength(calls.length);
          expect(most).toBeLessThanOrEqual(perClient);
          expect(slots.size).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('one client past its share waits while another client goes at once', async () => {
    const slots = new ClientLookupSlots(1);
    let release!: () => void;
    const first = slots.run('a', () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    let secondStarted = false;
    const second = slots.run('a', () => ((secondStarted = true), 'second'));
    expect(slots.run('b', () => 'other')).toBe('other');
    await Promise.resolve();
    expect(secondStarted).toBe(false);
    release();
    expect(await first).toBe('first');
    expect(await second).toBe('second');
    expect(slots.size).toBe(0);
  });
});
