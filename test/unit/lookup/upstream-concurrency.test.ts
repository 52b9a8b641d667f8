import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigError } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';

const limits = (env: Record<string, string>) => {
  const config = loadConfig(env, providers);
  return { start: config.resilience.bulkheadConcurrency, ...config.adaptiveLimit, connections: config.upstream.connections, polls: config.resilience.pollConcurrency };
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, providers);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
};

describe('upstream concurrency settings', () => {
  it('by default: the limit starts at 32 and adapts between 4 and 256; one socket per slot of both lanes', () => {
    expect(limits({})).toEqual({ start: 32, min: 4, max: 256, connections: 264, polls: 8 });
    expect(limits({ WATCHER_POLL_CONCURRENCY: '16' }).connections).toBe(272);
  });

  it('an old deployment’s BULKHEAD_CONCURRENCY stays the most calls at once (the ceiling), and the start', () => {
    expect(limits({ BULKHEAD_CONCURRENCY: '64' })).toMatchObject({ start: 64, min: 4, max: 64, connections: 72 });
    // Below the default floor, the floor gives way: a fixed limit, as before.
    expect(limits({ BULKHEAD_CONCURRENCY: '1' })).toMatchObject({ start: 1, min: 1, max: 1 });
    // With a ceiling of its own, it is only the start.
    expect(limits({ BULKHEAD_CONCURRENCY: '16', UPSTREAM_CONCURRENCY_MAX: '128' })).toMatchObject({ start: 16, min: 4, max: 128, connections: 136 });
  });

  it('a set UPSTREAM_CONNECTIONS caps the ceiling: the pool never holds a call the limit let through', () => {
    expect(limits({ UPSTREAM_CONNECTIONS: '40' })).toMatchObject({ start: 32, max: 40, connections: 40 });
    expect(limits({ UPSTREAM_CONNECTIONS: '40', BULKHEAD_CONCURRENCY: '32' })).toMatchObject({ start: 32, max: 32, connections: 40 });
  });

  it('pins the limit when floor and ceiling are one value', () => {
    expect(limits({ UPSTREAM_CONCURRENCY_MIN: '100', UPSTREAM_CONCURRENCY_MAX: '100' })).toMatchObject({ start: 100, min: 100, max: 100, connections: 108 });
  });

  it('refuses a floor over the ceiling, and sockets fewer than the ceiling', () => {
    expect(problems({ UPSTREAM_CONCURRENCY_MIN: '50', UPSTREAM_CONCURRENCY_MAX: '10' })).toEqual(['UPSTREAM_CONCURRENCY_MIN: must not exceed UPSTREAM_CONCURRENCY_MAX']);
    expect(problems({ UPSTREAM_CONCURRENCY_MAX: '100', UPSTREAM_CONNECTIONS: '50' })).toEqual([expect.stringMatching(/^UPSTREAM_CONNECTIONS: must be at least UPSTREAM_CONCURRENCY_MAX/)]);
    expect(problems({ UPSTREAM_CONCURRENCY_MAX: '0', UPSTREAM_CONNECTIONS: '50' })).toEqual([expect.stringMatching(/^UPSTREAM_CONCURRENCY_MAX:/)]);
  });
});
