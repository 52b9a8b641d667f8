import { describe, expect, it } from 'vitest';
import { logRequest, REQUEST_LOG_MAX } from '../../../src/sandbox/simulator-kit.js';

describe('the simulators stay bounded in a long-running sandbox', () => {
  it('keep at most REQUEST_LOG_MAX ids in their request log, the newest', () => {
    const log: string[] = [];
    for (let i = 0; i < REQUEST_LOG_MAX + 5; i += 1) logRequest(log, `id-${i}`);
    expect(log).toHaveLength(REQUEST_LOG_MAX);
    expect(log[0]).toBe('id-5');
    expect(log.at(-1)).toBe(`id-${REQUEST_LOG_MAX + 4}`);
  });
});
