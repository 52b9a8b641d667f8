// The benchmark runs S with the Node.js flags of the container's CMD (bench/processes.ts), so a
// V8 flag put there (a young-generation cap, say) shows in S's figures as it would in production.
import { describe, expect, it } from 'vitest';
import { serviceNodeFlags } from '../../bench/processes.js';

describe('serviceNodeFlags', () => {
  it('reads the flags of the final CMD, not those of the HEALTHCHECK', () => {
    const dockerfile = ['HEALTHCHECK --interval=15s \\', '  CMD ["node", "--jitless", "-e", "1"]', 'CMD ["node", "--a=1", "--b", "dist/bin.js"]', ''].join('\n');
    expect(serviceNodeFlags(dockerfile)).toEqual(['--a=1', '--b']);
  });

  it('is empty when the CMD runs node without flags', () => {
    expect(serviceNodeFlags('CMD ["node", "dist/bin.js"]\n')).toEqual([]);
  });
});
