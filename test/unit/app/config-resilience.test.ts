import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';

describe('resilience configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, providers);
    expect(config.resilience).toEqual({
      requestDeadlineMs: 8_000,
      attemptTimeoutMs: 5_000,
      bulkheadConcurrency: 32,
      bulkheadQueue: 2_048,
      pollConcurrency: 8,
      breakerThreshold: 5,
      breakerHalfOpenMs: 10_000,
      retryMax: 2,
      retryBaseMs: 100,
      retryMaxDelayMs: 1_000,
      retryAfterCapMs: 2_000,
    });
    expect(config.cache).toEqual({ maxEntries: 10_000, maxBytes: 67_108_864, finalTtlMs: 600_000, movingTtlMs: 5_000, notFoundTtlMs: 2_000 });
  });

  it('reports every bad figure at once', () => {
    const error = (() => {
      try {
        loadConfig({ RETRY_MAX: 'many', CACHE_MAX_ENTRIES: '-1', BREAKER_THRESHOLD: '0', REQUEST_DEADLINE_MS: '5' }, providers);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['RETRY_MAX', 'CACHE_MAX_ENTRIES', 'BREAKER_THRESHOLD', 'REQUEST_DEADLINE_MS']) expect(problems).toContain(name);
  });
});
