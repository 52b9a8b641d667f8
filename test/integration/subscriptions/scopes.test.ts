import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';

const READER_KEY = 'subscription-status-reader-key-0123456789';
const BT = '01KD0000000000000000000A01';
const WITH_SECRETS = /* GraphQL */ `
  subscription Secrets($refs: [MessageRef!]!) {
    messageStatusChanged(refs: $refs) {
      ... on BetatelWdr { state to text }
    }
  }
`;

let clock = Date.now();
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { PROVIDER_MODE: 'live', API_KEYS: `reader:${READER_KEY}:status:read,full:${FULL_ACCESS_KEY}:status:read pii:read content:read`, WATCHER_POLL_MIN_MS: '20', WATCHER_POLL_MAX_MS: '40' },
    simulator: { now: () => clock },
  });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});

type Wdr = { state: string; to: string | null; text: string | null };
const wdr = (r: { data?: unknown }) => (r.data as { messageStatusChanged: Wdr }).messageStatusChanged;

describe('scopes and masking on every subscription event', () => {
  it('masks the phone number and withholds the text on the first answer and on each change, without pii:read and content:read', async () => {
    const full = subscribeSse(h, { refs: [{ provider: 'BETATEL', id: BT }] }, { 'x-api-key': FULL_ACCESS_KEY }, WITH_SECRETS);
    const reader = subscribeSse(h, { refs: [{ provider: 'BETATEL', id: BT }] }, { 'x-api-key': READER_KEY }, WITH_SECRETS);
    await Promise.all([full.waitFor(1), reader.waitFor(1)]);
    clock += 2_500;
    const [fullEvents, readerEvents] = await Promise.all([full.waitFor(2), reader.waitFor(2)]);
    const plain = wdr(fullEvents[1]!);
    expect(fullEvents.map((e) => wdr(e).state)).toEqual(['PENDING', 'SENT']);
    expect(plain.text).toEqual(expect.any(String));
    expect(plain.to).toMatch(/^\d{8,}$/);
    expect(fullEvents.every((e) => e.errors === undefined)).toBe(true);

    expect(readerEvents.map((e) => wdr(e).state)).toEqual(['PENDING', 'SENT']);
    for (const event of readerEvents) {
      const masked = wdr(event);
      expect(masked.text).toBeNull();
      expect(event.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'messageStatusChanged.text']]);
      expect(masked.to).not.toBe(plain.to);
      expect(masked.to?.slice(-2)).toBe(plain.to!.slice(-2));
      expect(JSON.stringify(event)).not.toContain(plain.text!);
      expect(JSON.stringify(event)).not.toContain(plain.to!);
    }
    await Promise.all([full.close(), reader.close()]);
  });
});
