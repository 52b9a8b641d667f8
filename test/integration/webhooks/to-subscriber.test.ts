import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';
import { d7Event, d7Path, postWebhook, WEBHOOK_ENV } from '../../helpers/webhooks.js';

// Issue 14, end to end: a provider's POST reaches a subscribed frontend, through the status merge.

let h: Harness;
beforeAll(async () => {
  // Watchers poll rarely here: the change must come from the webhook, not from a poll.
  h = await startHarness({ env: { ...WEBHOOK_ENV, WATCHER_POLL_MIN_MS: '60000', WATCHER_POLL_MAX_MS: '60000' } });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});

const D7_ID = '00000000-0000-4000-8000-00000000c0de';
type Change = { messageStatusChanged: { __typename: string; state: string; messages?: { msgId: string; state: string }[] } };

describe('a webhook reaches a subscriber', () => {
  it('a D7 delivery event POSTed to /webhooks/d7/{token} is the next event of a subscription on that report, within a second', async () => {
    const query = `subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on D7Report { state messages { msgId state } } } }`;
    const sub = subscribeSse(h, { refs: [{ provider: 'D7', id: D7_ID }] }, {}, query);
    const [first] = await sub.waitFor(1);
    const initial = (first!.data as Change).messageStatusChanged;
    expect(initial).toMatchObject({ __typename: 'D7Report', state: 'PENDING' });
    const callsBefore = h.simulator('D7').requests.length;
    const msgId = initial.messages![0]!.msgId;

    const posted = Date.now();
    const res = await postWebhook(h, d7Path(), d7Event(D7_ID, msgId, 'delivered', Date.now()));
    expect(res.status).toBe(202);
    const [, second] = await sub.waitFor(2, 1_000);
    expect(Date.now() - posted).toBeLessThan(1_000);
    const changed = (second!.data as Change).messageStatusChanged;
    expect(changed.messages!.find((m) => m.msgId === msgId)?.state).toBe('DELIVERED');
    // The event was applied onto the known report: no upstream call for it.
    expect(h.simulator('D7').requests.length).toBe(callsBefore);
    await sub.close();
  });
});
