import { describe, expect, it } from 'vitest';
import { LogBudget, REQUEST_REFUSALS, WEBHOOK_REFUSALS } from '../../../src/observability/log-budget.js';

describe('log lines of refusals are bounded (LogBudget)', () => {
  it('a key writes linesPerWindow lines per window; its next line says how many were left out', () => {
    let now = 0;
    const budget = new LogBudget(REQUEST_REFUSALS, () => now);
    const taken = Array.from({ length: REQUEST_REFUSALS.linesPerWindow + 25 }, () => budget.take('a'));
    expect(taken.filter((t) => t !== undefined)).toEqual(Array.from({ length: REQUEST_REFUSALS.linesPerWindow }, () => 0));
    // Another key has a budget of its own.
    expect(budget.take('b')).toBe(0);
    now += REQUEST_REFUSALS.windowMs;
    expect(budget.take('a')).toBe(25);
    expect(budget.take('a')).toBe(0);
  });

  it('webhook refusals: 8,000 of one kind in a minute are one line; the first line of the next minute carries the count', () => {
    let now = 0;
    const budget = new LogBudget(WEBHOOK_REFUSALS, () => now);
    const lines = Array.from({ length: 8_000 }, (_, n) => budget.line('D7|unauthorized', { provider: 'D7', outcome: 'unauthorized', n })).filter(Boolean);
    expect(lines).toEqual([{ provider: 'D7', outcome: 'unauthorized', n: 0 }]);
    now += WEBHOOK_REFUSALS.windowMs;
    expect(budget.line('D7|unauthorized', { n: 8_000 })).toEqual({ n: 8_000, unloggedRefusals: 7_999 });
  });

  it('remembers at most 10,000 keys: one caller cannot grow it with addresses', () => {
    const budget = new LogBudget({ linesPerWindow: 1, windowMs: 60_000 }, () => 0);
    for (let i = 0; i < 50_000; i++) budget.take(`10.0.${i >> 8}.${i & 255}`);
    expect((budget as unknown as { windows: Map<string, unknown> }).windows.size).toBe(10_000);
  });
});
