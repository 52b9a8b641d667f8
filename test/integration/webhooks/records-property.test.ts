import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { uuidFrom } from '../../../src/sandbox/simulator-kit.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { appliedCount, betatelPath, d7Event, d7Path, postWebhook, sleep, until, WEBHOOK_ENV } from '../../helpers/webhooks.js';

// Random webhook streams against small bounds: whatever arrives, in whatever order, every
// stored record stays within its message and string caps, the cache within its bytes, and
// the service keeps answering.
const MAX_MESSAGES = 4;
const MAX_UNCONFIRMED = 3;
const TTL_MS = 150;
const CACHE_MAX_BYTES = 65_536;

const REPORTS = ['5ec00000-0000-4000-8000-000000000001', '5ec00000-0000-4000-8000-000000000002', '5ec00000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000404'];
const ULIDS = ['01JV5V54KPYK9GB29280000001', '01JV5V54KPYK9GB29280000002'];
const listedMsgId = (requestId: string, index: number) => uuidFrom(`${requestId}:${index}`, 1);
const newMsgId = (n: number) => `6d29d646-4e09-11ee-84f4-${String(n).padStart(12, '0')}`;

const length = fc.constantFrom(0, 10, 256, 257, 4_096, 4_097, 60 * 1024);
const d7 = fc.record({
  report: fc.constantFrom(...REPORTS),
  // A message the report lists, or one it never will (a small pool, so they repeat).
  msg: fc.oneof(fc.integer({ min: 0, max: 2 }).map((i) => ({ listed: i })), fc.integer({ min: 1, max: 12 }).map((n) => ({ fresh: n }))),
  status: fc.constantFrom('sent', 'delivered', 'read', 'un_delivered', 'not_reachable'),
  ageMs: fc.integer({ min: -5_000, max: 600_000 }),
  custRef: length,
});
const betatel = fc.record({ uuid: fc.constantFrom(...ULIDS), status: fc.constantFrom('SENT', 'DELIVERED', 'READ'), text: length, hint: fc.boolean() });
const step = fc.oneof(
  { arbitrary: d7.map((e) => ({ kind: 'd7' as const, e })), weight: 6 },
  { arbitrary: betatel.map((e) => ({ kind: 'betatel' as const, e })), weight: 2 },
  // Past the held messages' lifetime, or a query (which fetches the provider's report).
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
  { arbitrary: fc.constantFrom(...REPORTS).map((id) => ({ kind: 'query' as const, id })), weight: 1 },
);

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object' || value instanceof Date) return 0;
  return Math.max(0, ...Object.values(value as Record<string, unknown>).map(longestString));
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: {
      ...WEBHOOK_ENV,
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
      WEBHOOK_FETCHES_PER_MINUTE: '30',
      MAX_MESSAGES_PER_RECORD: String(MAX_MESSAGES),
      MAX_UNCONFIRMED_MESSAGES_PER_REPORT: String(MAX_UNCONFIRMED),
      UNCONFIRMED_MESSAGE_TTL_MS: String(TTL_MS),
      CACHE_MAX_BYTES: String(CACHE_MAX_BYTES),
      CACHE_TTL_MOVING_MS: '0',
    },
  });
});
afterAll(() => h.close());

describe('property: random webhook streams keep every stored record within its bounds', () => {
  it('message counts, string lengths and cache bytes stay bounded, and the service still serves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const before = await appliedCount(h);
        let accepted = 0;
        const count = async (res: Response) => {
          if (res.status === 202 && ((await res.json()) as { status: string }).status === 'accepted') accepted++;
        };
        for (const s of steps) {
          if (s.kind === 'expire') {
            await sleep(TTL_MS + 10);
          } else if (s.kind === 'query') {
            const res = await h.query(`query ($id: ID!) { d7Report(requestId: $id) { messages { msgId } } }`, { id: s.id });
            expect(res.status).toBe(200);
          } else if (s.kind === 'd7') {
            const { report, msg, status, ageMs, custRef } = s.e;
            const msgId = 'listed' in msg ? listedMsgId(report, msg.listed) : newMsgId(msg.fresh);
            const res = await postWebhook(h, d7Path(), d7Event(report, msgId, status, Date.now() - ageMs, { cust_ref: 'c'.repeat(custRef) }));
            expect(custRef > 256 ? [422] : [202, 429]).toContain(res.status);
            await count(res);
          } else {
            const { uuid, status, text, hint } = s.e;
            const res = await postWebhook(h, betatelPath(), hint ? { uuid } : { uuid, status, text: 't'.repeat(text) });
            expect(!hint && text > 4_096 ? [422] : [202]).toContain(res.status);
            await count(res);
          }
        }
        // Every accepted event applied (a duplicate is answered, not applied): then the bounds.
        await until(async () => (await appliedCount(h)) >= before + accepted, 10_000, 'the accepted events');
        for (const id of REPORTS) {
          const record = h.app.service.known('D7', id) as D7Record | null | undefined;
          if (!record) continue;
          const messages = record.details.messages;
          expect(messages.length).toBeLessThanOrEqual(MAX_MESSAGES);
          expect(messages.filter((m) => m.unconfirmedSince !== null).length).toBeLessThanOrEqual(MAX_UNCONFIRMED);
          expect(new Set(messages.map((m) => m.msgId)).size).toBe(messages.length);
          expect(longestString(record.details)).toBeLessThanOrEqual(4_096);
        }
        for (const uuid of ULIDS) expect(longestString((h.app.service.known('BETATEL', uuid) as MessageStatusRecord | undefined)?.details)).toBeLessThanOrEqual(4_096);
        expect(h.app.service.cacheUsage.bytes).toBeLessThanOrEqual(CACHE_MAX_BYTES);
      }),
      { numRuns: 25 },
    );

    // Still serving queries and webhooks.
    const res = await h.query<{ d7Report: { messages: unknown[] } }>(`query ($id: ID!) { d7Report(requestId: $id) { messages { msgId } } }`, { id: REPORTS[0] });
    expect(res.status).toBe(200);
    expect(res.data!.d7Report.messages.length).toBeLessThanOrEqual(MAX_MESSAGES);
    expect((await h.get('/health')).status).toBe(200);
  });
});
