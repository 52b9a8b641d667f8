// bench/replicas.ts's pure parts: the RESULTS.md blocks the benchmark runs keep for each other, the
// INFO parsing its Redis figures come from, and the hot-key bound its table states.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInfo, statsDelta } from '../../bench/redis.js';
import { hotBound } from '../../bench/replicas-report.js';
import { asBlock, keepingBlocksOf, markedBlock, withBlock } from '../../bench/results-block.js';

describe('the marked blocks of RESULTS.md', () => {
  const block = asBlock('replicas', '## Replicas\n\n| a |\n');
  const lines = asBlock('node-lines', '## Node.js lines\n\n| b |\n');

  it('is appended when the file has none, and replaced (not repeated) when it has one', () => {
    const once = withBlock('# Results\n\nfigures\n', 'replicas', block);
    expect(once).toBe(`# Results\n\nfigures\n\n${block}\n`);
    const twice = withBlock(once, 'replicas', asBlock('replicas', 'new $& figures'));
    expect(markedBlock(twice, 'replicas')).toBe(asBlock('replicas', 'new $& figures'));
    expect(twice.split('<!-- replicas:start -->')).toHaveLength(2);
    expect(withBlock('', 'replicas', block)).toBe(`${block}\n`);
  });

  it('each writer replaces its own block and leaves the other one as it was', () => {
    const both = withBlock(withBlock('# Results\n', 'replicas', block), 'node-lines', lines);
    const newLines = asBlock('node-lines', '## Node.js lines\n\n| c |\n');
    const after = withBlock(both, 'node-lines', newLines);
    expect(markedBlock(after, 'node-lines')).toBe(newLines);
    expect(markedBlock(after, 'replicas')).toBe(block);
  });

  it('both survive a full rewrite of the file by npm run bench, which does not repeat one it wrote itself', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'results-')), 'RESULTS.md');
    expect(keepingBlocksOf(path, '# fresh\n')).toBe('# fresh\n');
    writeFileSync(path, `# old\n\n${block}\n\n${lines}\n\ntrailing`);
    const rewritten = keepingBlocksOf(path, '# fresh\n');
    expect(rewritten.startsWith('# fresh')).toBe(true);
    expect(markedBlock(rewritten, 'replicas')).toBe(block);
    expect(markedBlock(rewritten, 'node-lines')).toBe(lines);
    expect(rewritten).not.toContain('# old');
    // A run with several --node writes its own, newer Node.js lines block: that one stays.
    const newLines = asBlock('node-lines', '| new |');
    const own = keepingBlocksOf(path, `# fresh\n\n${newLines}\n`);
    expect(markedBlock(own, 'node-lines')).toBe(newLines);
    expect(own.split('<!-- node-lines:start -->')).toHaveLength(2);
  });

  it('an unclosed marker is no block', () => {
    expect(markedBlock('<!-- replicas:start -->\nno end', 'replicas')).toBeUndefined();
    expect(markedBlock('<!-- replicas:start -->\n<!-- node-lines:end -->', 'replicas')).toBeUndefined();
  });
});

describe('Redis INFO', () => {
  it('counts commands by kind and CPU, leaving out the bench’s own INFO calls', () => {
    const before = parseInfo('# Commandstats\r\ncmdstat_get:calls=10,usec=5\r\ncmdstat_info:calls=3,usec=1\r\n# CPU\r\nused_cpu_sys:1.5\r\nused_cpu_user:2.0\r\nused_cpu_sys_children:9\r\n');
    const after = parseInfo('cmdstat_get:calls=14,usec=9\r\ncmdstat_client|list:calls=1,usec=1\r\ncmdstat_info:calls=5,usec=2\r\nused_cpu_sys:1.75\r\nused_cpu_user:2.0\r\n');
    expect(before.cpuMicros).toBe(3_500_000);
    expect(statsDelta(before, after)).toEqual({ calls: { get: 4, 'client|list': 1 }, total: 5, cpuMicros: 250_000 });
  });
});

describe('hot-key bound', () => {
  it('is one call per lifetime started, per independent cache', () => {
    expect(hotBound(16, 5_000, 1)).toBe(4);
    expect(hotBound(16, 5_000, 3)).toBe(12);
    expect(hotBound(5, 5_000, 1)).toBe(2);
  });
});
