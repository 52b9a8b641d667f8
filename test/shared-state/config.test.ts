import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { providers } from '../../src/providers/registry.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, providers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Redis configuration', () => {
  it('unset REDIS_URL: no Redis settings, and an app without a Redis tier (nothing connects)', async () => {
    const config = loadConfig({}, providers);
    expect(config.sharedState).toBeUndefined();
    const app = createApp(config, { logger: createLogger({ level: 'silent', pretty: false }) });
    expect(app.sharedState).toBeUndefined();
    // /health stays yoga's own empty answer.
    const health = await app.yoga.fetch('http://test.local/health');
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    await app.close();
  });

  it('REDIS_URL with defaults for the rest', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }, providers).sharedState).toStrictEqual({
      url: 'redis://127.0.0.1:6379/0',
      keyPrefix: 'msg:',
      commandTimeoutMs: 150,
      lockTtlMs: 5_000,
      lockWaitMs: 3_000,
    });
  });

  it('rediss:// with a password: the password (as written and decoded) is a secret for redaction', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://app:s3cr%40t@redis.internal:6380/2', REDIS_KEY_PREFIX: 'staging:', REDIS_COMMAND_TIMEOUT_MS: '80' }, providers);
    expect(config.sharedState).toMatchObject({ url: 'rediss://app:s3cr%40t@redis.internal:6380/2', keyPrefix: 'staging:', commandTimeoutMs: 80 });
    expect(config.secrets).toEqual(expect.arrayContaining(['s3cr%40t', 's3cr@t']));
  });

  it('reports a wrong scheme, a bad timeout and a wait longer than the lock together', () => {
    expect(problems({ REDIS_URL: 'http://127.0.0.1:6379', REDIS_COMMAND_TIMEOUT_MS: 'soon' })).toEqual([
      expect.stringMatching(/^REDIS_URL: /),
      expect.stringMatching(/^REDIS_COMMAND_TIMEOUT_MS: /),
    ]);
    expect(problems({ REDIS_URL: 'redis://h:1', REDIS_LOCK_TTL_MS: '1000', REDIS_LOCK_WAIT_MS: '2000' })).toEqual([expect.stringMatching(/^REDIS_LOCK_WAIT_MS: must not exceed/)]);
  });
});
