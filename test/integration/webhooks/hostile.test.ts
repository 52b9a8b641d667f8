import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { BETATEL_TOKEN, D7_TOKEN, d7Event, postWebhook, sleep, until, WEBHOOK_ENV } from '../../helpers/webhooks.js';

let h: Harness;
beforeAll(async () => {
  // Rate limit off: the property sends hundreds of requests from one address.
  h = await startHarness({ env: { ...WEBHOOK_ENV, WEBHOOK_RATE_LIMIT_PER_MINUTE: '0' } });
});
afterAll(() => h.close());

const token = fc.oneof(fc.constant(D7_TOKEN), fc.constant(BETATEL_TOKEN), fc.string(), fc.constant(D7_TOKEN.toUpperCase()), fc.constant(`${D7_TOKEN}%00`));
const segment = fc.oneof(fc.constantFrom('d7', 'betatel', 'D7', 'BETATEL', '', '..', '%2e%2e', 'd7%2f'), fc.webSegment());
const path = fc.oneof(
  // Most runs reach a real endpoint, so the bodies meet the parsers and not only the router.
  { arbitrary: fc.constantFrom(`/webhooks/d7/${D7_TOKEN}`, `/webhooks/betatel/${BETATEL_TOKEN}`), weight: 8 },
  fc.tuple(segment, token).map(([p, t]) => `/webhooks/${p}/${encodeURIComponent(t)}`),
  fc.tuple(segment, token).map(([p, t]) => `/webhooks/${p}/${t.replace(/[?#]/g, '')}`),
  fc.array(fc.webSegment(), { maxLength: 5 }).map((parts) => `/webhooks/${parts.join('/')}`),
);
// Bodies near the real shapes (with hostile values) as well as anything at all; the ids never name a known record.
const d7Like = fc.record({
  request_id: fc.oneof(fc.uuid(), fc.string()),
  msg_id: fc.oneof(fc.uuid(), fc.string()),
  status: fc.oneof(fc.constantFrom('read', 'delivered', 'un_delivered', '__proto__', 'constructor'), fc.string()),
  timestamp: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER)),
  event_type: fc.oneof(fc.constant('DELIVERY_EVENTS'), fc.string()),
  cust_ref: fc.jsonValue(),
});
const betatelLike = fc.record({ uuid: fc.oneof(fc.ulid(), fc.string()), status: fc.oneof(fc.constantFrom('READ', 'FAILED'), fc.jsonValue()), delivery_time: fc.jsonValue() }, { requiredKeys: ['uuid'] });
const body = fc.oneof(
  d7Like.map((b) => JSON.stringify(b)),
  betatelLike.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constant('{"__proto__": {"polluted": true}, "request_id": 1}'),
  fc.constant('['.repeat(5_000) + ']'.repeat(5_000)),
);
const headers = fc.dictionary(
  fc.constantFrom('content-type', 'content-length', 'x-forwarded-for', 'transfer-encoding', 'x-request-id', 'authorization'),
  fc.oneof(fc.constantFrom('application/json', 'text/plain', '0', '-1', '99999999999', 'chunked'), fc.string({ maxLength: 40 }).filter((v) => /^[\x20-\x7e]*$/.test(v))),
);
const method = fc.oneof({ arbitrary: fc.constant('POST'), weight: 10 }, fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'));

describe('hostile webhook requests', () => {
  it('get a code from the documented set, change nothing known, and leave the process serving queries', async () => {
    const id = D7_SANDBOX.mixed;
    const before = await h.query<{ d7Report: { state: string } }>(`{ d7Report(requestId: "${id}") { state } }`);
    expect(before.data?.d7Report.state).toBe('UNKNOWN');
    const known = h.app.service.known('D7', id);

    await fc.assert(
      fc.asyncProperty(path, method, headers, body, async (p, m, hs, b) => {
        let res: Response;
        try {
          res = await postWebhook(h, p, b, { method: m, headers: hs });
        } catch (error) {
          // The fetch API itself refuses some combinations (a GET with a body, a bad header value) before the server sees them.
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        // 204: an OPTIONS preflight, answered without CORS headers before any route (docs/security.md, "CSRF and CORS").
        expect(m === 'OPTIONS' ? [204] : [202, 400, 401, 404, 405, 413, 422]).toContain(res.status);
        const text = await res.text();
        if (b.length >= 8) expect(text).not.toContain(b);
      }),
      { numRuns: 300 },
    );

    // Accepted events (random new ids) may still be fetching: let them settle.
    await sleep(50);
    expect(h.app.service.known('D7', id)).toBe(known);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // The process still serves, and a valid event still works afterwards.
    const after = await h.query<{ d7Report: { state: string; messages: { msgId: string }[] } }>(`{ d7Report(requestId: "${id}") { state messages { msgId } } }`);
    expect(after.status).toBe(200);
    expect(after.data?.d7Report.state).toBe('UNKNOWN');
    const res = await postWebhook(h, `/webhooks/d7/${D7_TOKEN}`, d7Event(id, after.data!.d7Report.messages[2]!.msgId, 'read', Date.now()));
    expect(res.status).toBe(202);
    await until(() => h.app.service.known('D7', id)?.state === 'DELIVERED');
  });
});
