// bench/replicas.ts's pure parts: the RESULTS.md block both benchmarks keep for each other, the
// INFO parsing its Redis figures come from, and the hot-key bound its table states.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInfo, statsDelta } from '../../bench/redis.js';
import { hotBound } from '../../bench/replicas-report.js';
import { asBlock, keepingBlockOf, markedBlock, withBlock } from '../../bench/results-block.js';

describe('the replicas block of RESULTS.md', () => {
  const block = asBlock('## Replicas\n\n| a |\n');

  it('is appended when the file has none, and replaced (not repeated) when it has one', () => {
    const once = withBlock('# Results\n\nfigures\n', block);
    expect(once).toBe(`# Results\n\nfigures\n\n${block}\n`);
    const twice = withBlock(once, asBlock('new $& figures'));
    expect(markedBlock(twice)).toBe(asBlock('new $& figures'));
    expect(twice.split('<!-- replicas:start -->')).toHaveLength(2);
  });

  it('survives a full rewrite of the file by npm run bench', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'results-')), 'RESULTS.md');
    expect(keepingBlockOf(path, '# fresh\n')).toBe('# fresh\n');
    writeFileSync(path, `# old\n\n${block}\n\ntrailing`);
    expect(markedBlock(keepingBlockOf(path, '# fresh\n'))).toBe(block);
    expect(keepingBlockOf(path, '# fresh\n').startsWith('# fresh')).toBe(true);
  });

  it('an unclosed marker is no block', () => {
    expect(markedBlock('<!-- replicas:start -->\nno end')).toBeUndefined();
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
