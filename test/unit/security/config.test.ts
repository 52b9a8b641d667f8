import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';

describe('security configuration', () => {
  it('defaults differ by mode: sandbox open for tooling, live closed', () => {
    const sandbox = loadConfig({}, providers).security;
    expect(sandbox).toMatchObject({ introspection: true, graphiql: true, blockFieldSuggestions: false, corsOrigins: [], maxBodyBytes: 102_400, rateLimitPerMinute: 600, maxUpstreamLookups: 100 });
    expect(sandbox.armor).toEqual({ maxDepth: 12, maxAliases: 20, maxTokens: 4_000, maxCost: 10_000, maxDirectives: 20 });
    const live = loadConfig({ PROVIDER_MODE: 'live' }, providers).security;
    expect(live).toMatchObject({ introspection: false, graphiql: false, blockFieldSuggestions: true, anonymousScopes: undefined });
    expect(loadConfig({ PROVIDER_MODE: 'live', INTROSPECTION: 'TRUE', GRAPHIQL: 'true' }, providers).security).toMatchObject({ introspection: true, graphiql: true });
  });

  it('reads lists and numbers, and reports bad values together', () => {
    const security = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', MAX_BODY_BYTES: '2048', RATE_LIMIT_PER_MINUTE: '0', MAX_ALIASES: '0' }, providers).security;
    expect(security).toMatchObject({ corsOrigins: ['https://a.example', 'https://b.example'], maxBodyBytes: 2048, rateLimitPerMinute: 0 });
    expect(security.armor.maxAliases).toBe(0);
    expect(() => loadConfig({ MAX_BODY_BYTES: '10', MAX_DEPTH: 'deep', JWT_JWKS_URL: 'ftp://x', INTROSPECTION: 'yes' }, providers)).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^MAX_BODY_BYTES:/),
          expect.stringMatching(/^MAX_DEPTH:/),
          expect.stringMatching(/^JWT_JWKS_URL:/),
          expect.stringMatching(/^INTROSPECTION:/),
        ]),
      }),
    );
  });
});
