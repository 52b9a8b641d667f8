import { describe, expect, it } from 'vitest';
import { KeptAnswers } from '../../../src/lookup/kept-answers.js';
import type { KeptPart } from '../../../src/lookup/kept-part.js';
import { createD7Merge } from '../../../src/providers/d7/merge.js';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { reportFromEvent } from '../../../src/providers/d7/webhook.js';
import { d7Event } from '../../helpers/webhooks.js';

const REQUEST = 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e';
const msg = (n: number) => `6d29d646-4e09-11ee-84f4-${String(n).padStart(12, '0')}`;
const merge = createD7Merge();

/** What a D7 event about message `n` says by itself, received at `at`. */
function part(n: number, status: string, at: number, ttlMs = 60_000): KeptPart {
  const event = d7Event(REQUEST, msg(n), status, at);
  return { part: msg(n), record: reportFromEvent(REQUEST, event as never, msg(n), at, at), observedAt: at, receivedAt: at, expiresAt: at + ttlMs };
}
const statusOf = (kept: KeptPart | undefined) => (kept?.record as D7Record | undefined)?.details.messages[0]?.status;

describe('kept webhook parts in one process', () => {
  it('keeps at most maxParts parts; a part kept already still takes a newer version when full', () => {
    const kept = new KeptAnswers(2, () => 1_000);
    expect(kept.keepNow('D7', 'a', part(1, 'sent', 1_000), merge, 1_000).outcome).toBe('kept');
    expect(kept.keepNow('D7', 'b', part(2, 'sent', 1_000), merge, 1_000).outcome).toBe('kept');
    expect(kept.hasRoom('D7', 'c', msg(3))).toBe(false);
    expect(kept.keepNow('D7', 'c', part(3, 'sent', 1_000), merge, 1_000)).toEqual({ outcome: 'full' });
    expect(kept.hasRoom('D7', 'a', msg(1))).toBe(true);
    expect(kept.keepNow('D7', 'a', part(1, 'delivered', 1_001), merge, 1_001).outcome).toBe('kept');
    expect(kept.size).toBe(2);
    expect(statusOf(kept.of('D7:a')?.[0])).toBe('delivered');
  });

  it('merges two versions of one part by the status merge, whatever their order', () => {
    const kept = new KeptAnswers(10, () => 5_000);
    kept.keepNow('D7', 'a', part(1, 'read', 2_000), merge, 5_000);
    const older = kept.keepNow('D7', 'a', part(1, 'delivered', 3_000), merge, 5_000);
    expect(older.outcome === 'kept' && statusOf(older.part)).toBe('read');
    // The later receipt and expiry count: the backoff and the lifetime run from the newest event.
    expect(kept.of('D7:a')?.[0]).toMatchObject({ observedAt: 2_000, receivedAt: 3_000, expiresAt: 63_000 });
  });

  it('hands a due entry to one claim until it is settled; settling forgets only the version claimed', async () => {
    let now = 1_000;
    const kept = new KeptAnswers(10, () => now);
    kept.keepNow('D7', 'a', part(1, 'delivered', 1_000), merge, 1_000);
    kept.keepNow('D7', 'a', part(2, 'delivered', 1_000), merge, 1_000);
    const [claimed] = await kept.claim(now, 10, now + 9_000);
    expect(claimed?.parts).toHaveLength(2);
    expect(await kept.claim(now, 10, now + 9_000)).toEqual([]);

    // A newer event for message 2 while its GET is under way: that version stays, due soon.
    now = 1_500;
    kept.keepNow('D7', 'a', part(2, 'read', 1_500), merge, 1_500);
    await kept.settle(claimed!, claimed!.parts, now + 4_000, 1_000 + 9_000);
    expect(kept.of('D7:a')?.map(statusOf)).toEqual(['read']);
    expect((await kept.claim(now, 10, now + 9_000)).map((e) => e.id)).toEqual(['a']);
  });

  it('a settled entry that still waits is due again at the time settled, not before', async () => {
    let now = 1_000;
    const kept = new KeptAnswers(10, () => now);
    kept.keepNow('D7', 'a', part(1, 'delivered', 1_000), merge, 1_000);
    const [claimed] = await kept.claim(now, 10, now + 9_000);
    await kept.settle(claimed!, [], 3_000, now + 9_000);
    now = 2_999;
    expect(await kept.claim(now, 10, now + 9_000)).toEqual([]);
    now = 3_000;
    expect(await kept.claim(now, 10, now + 9_000)).toHaveLength(1);
  });

  it('hides parts past their lifetime, and drops and counts them on a sweep', () => {
    let now = 1_000;
    const kept = new KeptAnswers(10, () => now);
    kept.keepNow('D7', 'a', part(1, 'delivered', 1_000, 500), merge, Number.POSITIVE_INFINITY);
    kept.keepNow('D7', 'a', part(2, 'delivered', 1_000, 5_000), merge, Number.POSITIVE_INFINITY);
    now = 1_500;
    expect(kept.of('D7:a')?.map((p) => p.part)).toEqual([msg(2)]);
    expect(kept.sweep(now)).toBe(1);
    expect(kept.size).toBe(1);
    now = 6_000;
    expect(kept.sweep(now)).toBe(1);
    expect(kept.of('D7:a')).toBeUndefined();
    expect(kept.size).toBe(0);
  });
});
