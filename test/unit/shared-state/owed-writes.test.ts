import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../src/domain/status-merge.js';
import { normalizeBetatelWdr } from '../../../src/providers/betatel/normalize.js';
import { betatelWdrBody } from '../../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../../src/providers/betatel/simulator.js';
import { recordBytes } from '../../../src/lookup/record-size.js';
import { OwedWrites } from '../../../src/shared-state/owed-writes.js';
import { change } from '../../helpers/shared-entries.js';

// Writes Redis could not take yet are held to be sent again: bounded by keys and by record bytes.

const answer = (n: number): Answer => ({ record: normalizeBetatelWdr(betatelWdrBody.parse({ ...BETATEL_DOCS_EXAMPLE, text: 'x'.repeat(n) }), new Date()), checkedAt: Date.now() });

describe('owed writes', () => {
  it('holds one change per key (the latest), without what was known before it', () => {
    const owed = new OwedWrites();
    const [first, second] = [change(answer(1)), change(answer(2), answer(1))];
    owed.owe('a', first);
    owed.owe('a', second);
    expect(owed.size).toBe(1);
    expect(owed.get('a')?.after).toBe(second.after);
    expect(owed.get('a')?.before).toBeUndefined();
  });

  it('is paid only by the change it holds (a later failure keeps the key owed)', () => {
    const owed = new OwedWrites();
    owed.owe('a', change(answer(1)));
    const held = owed.get('a')!;
    owed.owe('a', change(answer(2)));
    owed.paid('a', held);
    expect(owed.size).toBe(1);
    owed.paid('a', owed.get('a')!);
    expect(owed.size).toBe(0);
  });

  it('lets the oldest go past its key bound or its byte bound, and says so', () => {
    let dropped = 0;
    const byKeys = new OwedWrites({ keys: 3, bytes: Number.MAX_SAFE_INTEGER }, () => (dropped += 1));
    for (let i = 0; i < 10; i++) byKeys.owe(`k${i}`, change(answer(1)));
    expect(byKeys.size).toBe(3);
    expect(byKeys.oldest(10).map(([key]) => key)).toEqual(['k7', 'k8', 'k9']);
    expect(dropped).toBe(7);

    const big = answer(4_000);
    const byBytes = new OwedWrites({ keys: 1_000, bytes: recordBytes(big.record!) * 2 }, () => (dropped += 1));
    for (let i = 0; i < 5; i++) byBytes.owe(`b${i}`, change(answer(4_000)));
    expect(byBytes.size).toBe(2);
    expect(dropped).toBe(10);
  });
});
