import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';

/**
 * The sandbox's documented promise (docs/getting-started.md, "Sandbox ids"): a fresh id goes PENDING → … → a final
 * state in about 15 s, and a subscription to it ends. Before issue 21 one generated D7 recipient
 * in ten stayed FAILED and one in ten stayed DELIVERED (neither is final), as did Betatel ids
 * of two fates in ten: `npm run example:watch` never ended for them. The simulators' clock is
 * the test's, so 15 s of sandbox time take no real time.
 */

/** The status merge's ladder (src/domain/status-merge.ts): a state never moves down it. */
const RANK: Record<string, number> = { PENDING: 0, SCHEDULED: 1, SENT: 2, FAILED: 3, DELIVERED: 4, READ: 5, REJECTED: 5, EXPIRED: 5, DELETED: 6 };
const FINAL = new Set(['READ', 'REJECTED', 'EXPIRED', 'DELETED']);
const DOCUMENTED_MS = 15_000;

const specialD7 = new Set<string>(Object.values(D7_SANDBOX));
const specialBetatel = new Set<string>(Object.values(BETATEL_SANDBOX));
const freshD7 = fc.uuid().filter((id) => !id.startsWith('00000000-0000-4000-8000') && !specialD7.has(id));
const freshBetatel = fc.ulid().filter((id) => !specialBetatel.has(id) && !id.startsWith('0000000000'));
const freshRefs = fc.tuple(
  fc.uniqueArray(freshD7, { minLength: 1, maxLength: 4 }),
  fc.uniqueArray(freshBetatel, { minLength: 1, maxLength: 4 }),
).map(([d7, betatel]) => [...d7.map((id) => ({ provider: 'D7', id })), ...betatel.map((id) => ({ provider: 'BETATEL', id }))]);

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WATCHER_POLL_MIN_MS: '20', WATCHER_POLL_MAX_MS: '50' }, simulator: { now: () => clock } });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});

type Item = { __typename: string; providerMessageId: string; state: string; isFinal: boolean; fetchedAt: string; status?: string; messages?: { status: string }[] };
const FIELDS = `__typename ... on MessageStatus { providerMessageId state isFinal fetchedAt } ... on D7Report { messages { status } } ... on BetatelWdr { status deliveredAt }`;

describe('sandbox ids keep the documented promises', () => {
  it('every fresh id moves forward only and is final within the documented 15 s (property)', async () => {
    await fc.assert(
      fc.asyncProperty(freshRefs, async (refs) => {
        h.simulator('D7').reset();
        h.simulator('BETATEL').reset();
        const base = clock;
        const seen = new Map<string, string[]>();
        for (const t of [0, 1_000, 2_500, 5_500, 8_500, 12_500, DOCUMENTED_MS]) {
          clock = base + t;
          const res = await h.query<{ messageStatuses: Item[] }>(`query ($refs: [MessageRef!]!) { messageStatuses(refs: $refs, maxAge: 0) { ${FIELDS} } }`, { refs });
          expect(res.errors).toBeUndefined();
          for (const item of res.data!.messageStatuses) seen.set(item.providerMessageId, [...(seen.get(item.providerMessageId) ?? []), item.state]);
          if (t === DOCUMENTED_MS) {
            for (const item of res.data!.messageStatuses) {
              expect(item.isFinal, `${item.providerMessageId} at 15 s: ${JSON.stringify(item)}`).toBe(true);
              expect(FINAL.has(item.state)).toBe(true);
            }
          }
        }
        for (const [id, states] of seen) {
          expect(states[0], id).toBe('PENDING');
          for (let i = 1; i < states.length; i += 1) expect(RANK[states[i]!]!, `${id}: ${states.join(' → ')}`).toBeGreaterThanOrEqual(RANK[states[i - 1]!]!);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a subscription to fresh ids ends, never repeats an event with no visible change, and its fetchedAt never goes back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(freshRefs, async (refs) => {
        h.simulator('D7').reset();
        h.simulator('BETATEL').reset();
        const base = clock;
        const stream = subscribeSse(h, { refs }, {}, `subscription ($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { ${FIELDS} } }`);
        let ended = false;
        void stream.ended.then(() => (ended = true));
        await stream.waitFor(refs.length);
        // Sandbox time moves a second at a time, with real time between for the watchers to poll.
        for (let t = 0; t <= DOCUMENTED_MS + 1_000 && !ended; t += 500) {
          clock = base + t;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        expect(ended, `stream still open: ${JSON.stringify(stream.results.map((r) => r.data))}`).toBe(true);
        const last = new Map<string, Item>();
        for (const result of stream.results) {
          expect(result.errors).toBeUndefined();
          const item = (result.data as { messageStatusChanged: Item }).messageStatusChanged;
          const before = last.get(item.providerMessageId);
          if (before) {
            const { fetchedAt: _a, ...visibleBefore } = before;
            const { fetchedAt: _b, ...visible } = item;
            expect(visible, `a repeat for ${item.providerMessageId}`).not.toEqual(visibleBefore);
            expect(Date.parse(item.fetchedAt)).toBeGreaterThanOrEqual(Date.parse(before.fetchedAt));
            expect(RANK[item.state]!).toBeGreaterThanOrEqual(RANK[before.state]!);
          }
          last.set(item.providerMessageId, item);
        }
        for (const ref of refs) expect(last.get(ref.id)?.isFinal ?? last.get(ref.id.toLowerCase())?.isFinal, ref.id).toBe(true);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
