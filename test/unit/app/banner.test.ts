import { describe, expect, it } from 'vitest';
import { startupBanner } from '../../../src/banner.js';
import { loadConfig } from '../../../src/config.js';
import { withSandboxProviders, sandboxWebhookTokens } from '../../../src/sandbox/start-sandbox.js';
import { providers } from '../../../src/providers/registry.js';

const address = { host: '127.0.0.1', port: 4000 };
const LIVE_TOKEN = 'live-webhook-token-abcdefghijklmnop';
const API_KEY = 'key-0123456789abcdef0123456789';

/** The sandbox configuration main.ts builds: simulators for providers, their public webhook tokens. */
function sandboxConfig(env: Record<string, string> = {}) {
  const config = loadConfig(env, providers);
  const simulators = { D7: { url: 'http://127.0.0.1:1' }, BETATEL: { url: 'http://127.0.0.1:2' } };
  return withSandboxProviders(config, { simulators, webhookTokens: sandboxWebhookTokens(config) } as never);
}

describe('the start-up banner says what is on', () => {
  it('sandbox: GraphiQL URL, both webhook URLs with their public sandbox tokens, Redis off, anonymous access', () => {
    const banner = startupBanner(sandboxConfig(), address, providers);
    expect(banner.fields).toMatchObject({
      mode: 'sandbox',
      graphiql: 'http://127.0.0.1:4000/graphql',
      webhooks: {
        D7: 'http://127.0.0.1:4000/webhooks/d7/sandbox-d7-webhook-token-0123456789',
        BETATEL: 'http://127.0.0.1:4000/webhooks/betatel/sandbox-betatel-webhook-token-0123456789',
      },
      redis: 'off',
      auth: 'anonymous (status:read)',
    });
    expect(banner.text).toMatch(/GraphiQL: http:\/\/127\.0\.0\.1:4000\/graphql \| webhooks: D7 http:\/\/127\.0\.0\.1:4000\/webhooks\/d7\/sandbox-d7-webhook-token-\d+, BETATEL .* \| Redis: off \| auth: anonymous/);
  });

  it('sandbox with a token of its own: the URL names the variable, never the token', () => {
    const banner = startupBanner(sandboxConfig({ D7_WEBHOOK_TOKEN: LIVE_TOKEN }), address, providers);
    expect(banner.fields.webhooks.D7).toBe('http://127.0.0.1:4000/webhooks/d7/<D7_WEBHOOK_TOKEN>');
    expect(JSON.stringify(banner)).not.toContain(LIVE_TOKEN);
  });

  it('live: GraphiQL off (no URL), webhooks off without tokens, never a live token, Redis without its password, auth by key', () => {
    const env = { D7_API_TOKEN: 'tok-banner-test', API_KEYS: `ops:${API_KEY}:status:read`, ALLOW_ANONYMOUS: 'false', REDIS_URL: 'redis://user:s3cret-pass@redis.internal:6380/2' };
    const off = startupBanner(loadConfig(env, providers), { host: '0.0.0.0', port: 8080 }, providers);
    expect(off.fields).toMatchObject({ mode: 'live', graphiql: 'off', webhooks: { D7: 'off', BETATEL: 'off' }, redis: 'redis://redis.internal:6380', auth: 'API keys (1)' });
    expect(off.text).toContain('GraphiQL: off');
    expect(off.text).not.toMatch(/\/graphql(?!\w)/);

    const on = startupBanner(loadConfig({ ...env, GRAPHIQL: 'true', D7_WEBHOOK_TOKEN: LIVE_TOKEN }, providers), { host: '0.0.0.0', port: 8080 }, providers);
    expect(on.fields.graphiql).toBe('http://localhost:8080/graphql');
    expect(on.fields.webhooks.D7).toBe('http://localhost:8080/webhooks/d7/<D7_WEBHOOK_TOKEN>');
    for (const banner of [off, on]) {
      const all = JSON.stringify(banner);
      for (const secret of [LIVE_TOKEN, 's3cret-pass', 'tok-banner-test', API_KEY]) expect(all).not.toContain(secret);
    }
  });

  it('live with nobody able to authenticate says so', () => {
    const banner = startupBanner(loadConfig({ D7_API_TOKEN: 'tok-banner-test' }, providers), address, providers);
    expect(banner.fields.auth).toMatch(/^nobody/);
  });
});
