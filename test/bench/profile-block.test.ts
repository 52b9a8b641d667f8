import { describe, expect, it } from 'vitest';
import { currentSummary, profileBlock } from '../../bench/profile-block.js';
import { markedBlock, withBlock } from '../../bench/results-block.js';

const summary = (n: number) => `### S under fresh-10 (run ${n})\n\n${n} samples (idle excluded), self time.\n\n| package | share |\n|---|---:|\n| undici | ${n}.0% |\n`;

/** RESULTS.md after a profile run with summary `n`. */
const afterRun = (text: string, n: number) => withBlock(text, 'profile', profileBlock(text, summary(n), 'npm run bench -- --profile'));

describe('profile block of bench/RESULTS.md', () => {
  it('puts each run first and keeps the run before it, dropping older ones; the rest of the file stays', () => {
    const start = '# Benchmark results\n\nfigures\n';
    const one = afterRun(start, 1);
    expect(one.startsWith(start.trimEnd())).toBe(true);
    expect(markedBlock(one, 'profile')).toContain('### Now: S under fresh-10 (run 1)');
    expect(markedBlock(one, 'profile')).not.toContain('Before');

    const two = afterRun(one, 2);
    const block = markedBlock(two, 'profile')!;
    expect(block.indexOf('### Now: S under fresh-10 (run 2)')).toBeLessThan(block.indexOf('### Before: S under fresh-10 (run 1)'));
    expect(block).toContain('| undici | 1.0% |');

    const three = afterRun(two, 3);
    expect(markedBlock(three, 'profile')).toContain('### Before: S under fresh-10 (run 2)');
    expect(three).not.toContain('(run 1)');
    expect(three.match(/<!-- profile:start -->/g)).toHaveLength(1);
  });

  it('reads the current summary back, without its heading prefix changed', () => {
    const text = afterRun('', 7);
    expect(currentSummary(markedBlock(text, 'profile'))).toMatch(/^### Now: S under fresh-10 \(run 7\)/);
    expect(currentSummary(undefined)).toBeUndefined();
  });
});
