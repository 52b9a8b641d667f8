import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { appliedCount, D7_TOKEN, d7Event, d7Path, postWebhook, receivedCount, sleep } from '../../helpers/webhooks.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

// Marks that must never come back in an answer or reach a log line.
const BODY_MARK = 'BODY-MARK-7f3a';
const WRONG_TOKEN = 'WRONG-TOKEN-MARK-0123456789abcdef';
const RATE = 30;

let h: Harness;
let address = 0;
/** A source address of its own per request group, so only the rate-limit test meets the limit. */
const nextAddress = () => `198.51.100.${++address}`;

beforeAll(async () => {
  // Only D7 has a token here: Betatel's endpoint does not exist.
  h = await startHarness({
    env: { D7_WEBHOOK_TOKEN: D7_TOKEN, WEBHOOK_RATE_LIMIT_PER_MINUTE: String(RATE) },
    deps: { logger: createLogger({ level: 'info', destination: sink }) },
  });
});
afterAll(() => h.close());

let known: unknown;
let msgId: string;
/** Provider|outcome pairs whose first refusal line has been written (later ones in the minute are summarized). */
const loggedKinds = new Set<string>();
beforeEach(async () => {
  const res = await h.query<{ d7Report: { messages: { msgId: string }[] } }>(`{ d7Report(requestId: "${D7_SANDBOX.mixed}") { messages { msgId } } }`);
  msgId = res.data!.d7Report.messages[2]!.msgId;
  known = h.app.service.known('D7', D7_SANDBOX.mixed);
  expect(known).toBeDefined();
  h.resetCounts();
  lines.length = 0;
});

const valid = () => d7Event(D7_SANDBOX.mixed, msgId, 'read', Date.now(), { cust_ref: BODY_MARK });

/** Sends one refused request and checks what every refusal shares: its code, nothing echoed, nothing changed, no upstream call, one log line. */
async function refused(status: number, outcome: string, send: () => Promise<Response>, provider = 'D7') {
  const appliedBefore = await appliedCount(h);
  const countBefore = await receivedCount(h, { provider, outcome });
  const res = await send();
  expect(res.status).toBe(status);
  const text = await res.text();
  // The outcome is the answer's stable code.
  expect((JSON.parse(text) as { code?: string }).code).toBe(outcome.toUpperCase());
  expect(text).not.toContain(BODY_MARK);
  expect(text).not.toContain(WRONG_TOKEN);
  expect(text).not.toContain(D7_TOKEN);
  await sleep(20);
  expect(h.app.service.known('D7', D7_SANDBOX.mixed)).toBe(known);
  expect(h.simulator('D7').requests).toEqual([]);
  expect(await appliedCount(h)).toBe(appliedBefore);
  expect(await receivedCount(h, { provider, outcome })).toBe(countBefore + 1);
  // Refusal lines are bounded (one per provider and outcome a minute): the first refusal of its
  // kind is written at once, later ones within the minute are counted into the next line.
  const logged = lines.filter((l) => l.msg === 'webhook refused');
  const kind = `${provider}|${outcome}`;
  if (loggedKinds.has(kind)) {
    expect(logged).toHaveLength(0);
  } else {
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ provider, outcome, status });
    expect(logged[0]).not.toHaveProperty('unloggedRefusals');
    loggedKinds.add(kind);
  }
  const all = JSON.stringify(lines);
  for (const secret of [BODY_MARK, WRONG_TOKEN, D7_TOKEN]) expect(all).not.toContain(secret);
  lines.length = 0;
  return res;
}

describe('refused webhooks change nothing and make no upstream call', () => {
  it('a wrong token is 401', async () => {
    await refused(401, 'unauthorized', () => postWebhook(h, d7Path(WRONG_TOKEN), valid(), { address: nextAddress() }));
    // The right token with one character changed, and a prefix of it.
    await refused(401, 'unauthorized', () => postWebhook(h, d7Path(`${D7_TOKEN.slice(0, -1)}X`), valid(), { address: nextAddress() }));
    await refused(401, 'unauthorized', () => postWebhook(h, d7Path(D7_TOKEN.slice(0, 24)), valid(), { address: nextAddress() }));
  });

  it('a provider without a token, an unknown provider or a path of another shape is 404', async () => {
    await refused(404, 'not_found', () => postWebhook(h, `/webhooks/betatel/${D7_TOKEN}`, valid(), { address: nextAddress() }), 'unknown');
    await refused(404, 'not_found', () => postWebhook(h, `/webhooks/sms/${D7_TOKEN}`, valid(), { address: nextAddress() }), 'unknown');
    await refused(404, 'not_found', () => postWebhook(h, `/webhooks/d7`, valid(), { address: nextAddress() }), 'unknown');
    await refused(404, 'not_found', () => postWebhook(h, `/webhooks/d7/${D7_TOKEN}/extra`, valid(), { address: nextAddress() }), 'unknown');
  });

  it('a method other than POST is 405', async () => {
    const res = await refused(405, 'method_not_allowed', () => postWebhook(h, d7Path(), undefined, { method: 'GET', address: nextAddress() }));
    expect(res.headers.get('allow')).toBe('POST');
    await refused(405, 'method_not_allowed', () => postWebhook(h, d7Path(), valid(), { method: 'PUT', address: nextAddress() }));
  });

  it('malformed JSON is 400', async () => {
    await refused(400, 'malformed', () => postWebhook(h, d7Path(), `{"request_id": "${BODY_MARK}`, { address: nextAddress() }));
    await refused(400, 'malformed', () => postWebhook(h, d7Path(), '', { address: nextAddress() }));
    await refused(400, 'malformed', () => postWebhook(h, d7Path(), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { address: nextAddress() }));
  });

  it('a body failing the D7 delivery-event schema, or naming an invalid id, is 400', async () => {
    const event = valid();
    const { msg_id: _dropped, ...noMsgId } = event;
    for (const body of [
      noMsgId,
      { ...event, status: 42 },
      { ...event, event_type: 'INBOUND_MESSAGE' },
      { ...event, msg_id: BODY_MARK },
      { ...event, request_id: BODY_MARK },
      [event],
      'read',
      null,
    ]) {
      await refused(400, 'invalid', () => postWebhook(h, d7Path(), JSON.stringify(body), { address: nextAddress() }));
    }
  });

  it('a body over 64 KiB is 413, by Content-Length and by the streamed size', async () => {
    const big = JSON.stringify({ ...valid(), padding: 'x'.repeat(65 * 1024) });
    await refused(413, 'too_large', () => postWebhook(h, d7Path(), big, { address: nextAddress() }));
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    await refused(413, 'too_large', () =>
      Promise.resolve(
        h.app.yoga.fetch(`http://test.local${d7Path()}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit, { req: { socket: { remoteAddress: nextAddress() } } } as never),
      ),
    );
  });

  it('a compressed body (any Content-Encoding but identity) is 415 UNSUPPORTED_MEDIA_TYPE, before a byte of it is read', async () => {
    for (const encoding of ['gzip', 'br', 'Deflate', 'identity, gzip']) {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new TextEncoder().encode(JSON.stringify(valid())));
          controller.close();
        },
      });
      await refused(415, 'unsupported_media_type', () =>
        Promise.resolve(
          h.app.yoga.fetch(
            `http://test.local${d7Path()}`,
            { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body, duplex: 'half' } as RequestInit,
            { req: { socket: { remoteAddress: nextAddress() } } } as never,
          ),
        ),
      );
      // A stream pulls once to fill its queue when it is made; reading it would pull again.
      expect(pulled).toBeLessThanOrEqual(1);
    }
  });

  it(`more than ${RATE} requests a minute from one address are 429 (wrong tokens and paths count too); another address is unaffected`, async () => {
    const noisy = nextAddress();
    for (let i = 0; i < RATE; i++) {
      const path = i % 2 ? d7Path(WRONG_TOKEN) : `/webhooks/guess-${i}/${WRONG_TOKEN}`;
      expect((await postWebhook(h, path, valid(), { address: noisy })).status).toBe(i % 2 ? 401 : 404);
    }
    lines.length = 0;
    const res = await refused(429, 'rate_limited', () => postWebhook(h, d7Path(), valid(), { address: noisy }));
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const other = await postWebhook(h, d7Path(), valid(), { address: nextAddress() });
    expect(other.status).toBe(202);
  });
});
