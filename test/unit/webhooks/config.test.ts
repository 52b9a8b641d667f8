import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from '../../../src/config.js';
import { tokenMatcher } from '../../../src/webhooks/token.js';
import { providers } from '../../../src/providers/registry.js';

const GOOD = 'a-webhook-token-of-32-characters';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, providers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('webhook configuration', () => {
  it('reads one token per provider, the rate limit and the bound on kept messages; unset tokens mean no endpoint', () => {
    const config = loadConfig({ D7_WEBHOOK_TOKEN: GOOD, WEBHOOK_RATE_LIMIT_PER_MINUTE: '120', MAX_KEPT_WEBHOOK_MESSAGES: '50' }, providers);
    expect(config.webhooks).toEqual({ tokens: { D7: GOOD }, rateLimitPerMinute: 120, fetchesPerMinute: 600, maxKept: 50 });
    expect(loadConfig({}, providers).webhooks).toEqual({ tokens: {}, rateLimitPerMinute: 6_000, fetchesPerMinute: 600, maxKept: 10_000 });
    expect(configVariables(providers)).toEqual(expect.arrayContaining(['D7_WEBHOOK_TOKEN', 'BETATEL_WEBHOOK_TOKEN', 'WEBHOOK_RATE_LIMIT_PER_MINUTE', 'MAX_KEPT_WEBHOOK_MESSAGES']));
  });

  it('puts the tokens on the list of secrets scrubbed from logs', () => {
    const other = 'another-webhook-token-0123456789';
    expect(loadConfig({ D7_WEBHOOK_TOKEN: GOOD, BETATEL_WEBHOOK_TOKEN: other }, providers).secrets).toEqual(expect.arrayContaining([GOOD, other]));
  });

  it('reports a short token, a token that is no URL path segment and a bad rate together with other problems, without the values', () => {
    const found = problems({ D7_WEBHOOK_TOKEN: 'short-secret', BETATEL_WEBHOOK_TOKEN: 'has/slash/in-it-0123456789abcdef', WEBHOOK_RATE_LIMIT_PER_MINUTE: 'lots', MAX_BATCH_SIZE: '0' });
    expect(found.filter((p) => p.startsWith('D7_WEBHOOK_TOKEN:'))).toEqual(['D7_WEBHOOK_TOKEN: at least 24 characters']);
    expect(found.some((p) => p.startsWith('BETATEL_WEBHOOK_TOKEN:'))).toBe(true);
    expect(found.some((p) => p.startsWith('WEBHOOK_RATE_LIMIT_PER_MINUTE:'))).toBe(true);
    expect(found.some((p) => p.startsWith('MAX_BATCH_SIZE:'))).toBe(true);
    expect(found.join('\n')).not.toContain('short-secret');
  });
});

describe('tokenMatcher', () => {
  it('accepts the token only, whatever the length of the guess', () => {
    const matches = tokenMatcher(GOOD);
    expect(matches(GOOD)).toBe(true);
    for (const guess of ['', GOOD.slice(0, -1), `${GOOD}x`, GOOD.toUpperCase(), `${GOOD.slice(0, -1)}X`]) expect(matches(guess)).toBe(false);
  });
});
