import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';
import { d7Path, postWebhook, WEBHOOK_ENV } from '../../helpers/webhooks.js';

const ID = '2f4a6a5e-1c1e-4a64-8d61-6c5f0a4c2b10';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: WEBHOOK_ENV });
});
afterAll(() => h.close());

const event = () => ({ event_type: 'DELIVERY_EVENTS', timestamp: Date.now(), request_id: ID, msg_id: ID, status: 'delivered', recipient: '+4915112345678' });
let address = 0;
const nextAddress = () => `198.51.100.${++address}`;

describe('a webhook from a browser page', () => {
  it.each([
    ['a form POST from another site', { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }],
    ['a text/plain POST from a sandboxed frame (Origin: null)', { origin: 'null', 'content-type': 'text/plain' }],
    ['a fetch from a same-site page', { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }],
  ])('is refused 403 CROSS_SITE and applies nothing: %s', async (_, headers) => {
    const before = await h.get('/metrics').then((r) => r.text());
    const res = await postWebhook(h, d7Path(), JSON.stringify(event()), { headers, address: nextAddress() });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'CROSS_SITE' });
    const after = await h.get('/metrics').then((r) => r.text());
    const refused = (text: string) => sample(text, 'webhooks_received_total', { outcome: 'cross_site' }) ?? 0;
    expect(refused(after) - refused(before)).toBe(1);
    expect(sample(after, 'webhooks_received_total', { provider: 'D7', outcome: 'accepted' }) ?? 0).toBe(0);
  });

  it('is refused before its token is judged: a wrong token from a page is 403, not 401', async () => {
    const res = await postWebhook(h, d7Path('wrong-token-0123456789abcdef'), event(), { headers: { origin: 'https://evil.example' }, address: nextAddress() });
    expect(res.status).toBe(403);
  });

  it('leaves servers alone: the same event without the browser headers, or with Node fetch\'s Sec-Fetch-Mode, is accepted', async () => {
    const res = await postWebhook(h, d7Path(), event(), { headers: { 'sec-fetch-mode': 'cors' }, address: nextAddress() });
    expect(res.status).toBe(202);
  });
});
