import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';

/** What loadConfig throws for `env`, or undefined when it accepts it. */
function thrown(env: Record<string, string>): unknown {
  try {
    loadConfig(env, providers);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('REDIS_URL: a bad value is a ConfigError, never a crash', () => {
  it.each(['not a url', 'zz-bad', 'redis://[bad'])('%j is reported with the other problems', (url) => {
    const error = thrown({ REDIS_URL: url, PORT: 'x' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('REDIS_URL');
    expect(String(error)).toContain('PORT');
  });

  it('a password with a malformed percent-escape still starts, and both spellings reach the log scrubber', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:pa%ZZword@redis.internal:6379' }, providers);
    expect(config.sharedState?.url).toBe('redis://:pa%ZZword@redis.internal:6379');
    expect(config.secrets).toContain('pa%ZZword');
  });

  it('a percent-encoded password reaches the scrubber encoded and decoded', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:p%40ss-w0rd@redis.internal:6379' }, providers);
    expect(config.secrets).toEqual(expect.arrayContaining(['p%40ss-w0rd', 'p@ss-w0rd']));
  });
});
