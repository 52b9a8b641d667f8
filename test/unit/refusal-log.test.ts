import { afterEach, describe, expect, it, vi } from 'vitest';
import { RefusalLog, type RefusalLine } from '../../src/live/refusal-log.js';

afterEach(() => vi.useRealTimers());

describe('refusal log lines are bounded', () => {
  it('writes the first refusal of a kind at once, then one line a window with the count it summarizes', () => {
    vi.useFakeTimers();
    const lines: RefusalLine[] = [];
    const log = new RefusalLog((line) => lines.push(line), 60_000);
    for (let i = 0; i < 8_000; i++) log.note('D7|unauthorized', { provider: 'D7', outcome: 'unauthorized', n: i });
    log.note('D7|invalid', { provider: 'D7', outcome: 'invalid' });
    expect(lines).toEqual([
      { provider: 'D7', outcome: 'unauthorized', n: 0, count: 1 },
      { provider: 'D7', outcome: 'invalid', count: 1 },
    ]);
    vi.advanceTimersByTime(60_000);
    expect(lines[2]).toEqual({ provider: 'D7', outcome: 'unauthorized', n: 7_999, count: 7_999 });
    expect(lines).toHaveLength(3);
    // A quiet window closes; the next refusal is written at once again.
    vi.advanceTimersByTime(60_000);
    log.note('D7|unauthorized', { provider: 'D7', outcome: 'unauthorized' });
    expect(lines.at(-1)).toEqual({ provider: 'D7', outcome: 'unauthorized', count: 1 });
    log.close();
  });
});
