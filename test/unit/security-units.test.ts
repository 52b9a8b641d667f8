import { describe, expect, it } from 'vitest';
import { findApiKey, indexApiKeys, parseApiKeys } from '../../src/security/api-keys.js';
import { scopesFromClaim } from '../../src/security/authenticate.js';
import { lookupBudget } from '../../src/security/lookup-budget.js';
import { maskPhoneNumber } from '../../src/security/mask.js';
import { RateLimiter } from '../../src/security/rate-limit.js';
import { providers } from '../../src/providers/registry.js';

describe('maskPhoneNumber', () => {
  it.each([
    ['+919061712355', '+91********55'],
    ['919061712355', '91********55'],
    ['+14155550123', '+14*******23'],
    ['+971501234567', '+97********67'],
    ['12345', '12*45'],
  ])('%s → %s', (input, masked) => {
    expect(maskPhoneNumber(input)).toBe(masked);
  });

  it('never shows more than the first two and last two digits', () => {
    const masked = maskPhoneNumber('+447700900123');
    expect(masked.replace(/\*/g, '')).toBe('+4423');
    expect(masked).toHaveLength('+447700900123'.length);
  });

  it('masks whole what is not a phone number (sender names, short codes, separators are dropped)', () => {
    expect(maskPhoneNumber('AcmeBank')).toBe('********');
    expect(maskPhoneNumber('1234')).toBe('****');
    expect(maskPhoneNumber('')).toBe('*');
    expect(maskPhoneNumber('+91 90617 12355')).toBe('+91********55');
  });
});

describe('API keys', () => {
  const key1 = 'k1-aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const key2 = 'k2-bbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  it('parses name:key:scopes entries and keeps only digests', () => {
    const parsed = parseApiKeys(`router:${key1}:status:read pii:read, dash:${key2}:status:read`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.secrets).toEqual([key1, key2]);
    expect(parsed.keys.map((k) => [k.name, [...k.scopes]])).toEqual([
      ['router', ['status:read', 'pii:read']],
      ['dash', ['status:read']],
    ]);
    expect(JSON.stringify(parsed.keys)).not.toContain(key1);
  });

  it('finds a key by value, and nothing for a near miss', () => {
    const keys = indexApiKeys(parseApiKeys(`router:${key1}:status:read,dash:${key2}:status:read`).keys);
    expect(findApiKey(keys, key2)?.name).toBe('dash');
    expect(findApiKey(keys, key1)?.name).toBe('router');
    expect(findApiKey(keys, `${key1}x`)).toBeUndefined();
    expect(findApiKey(keys, key1.slice(0, -1))).toBeUndefined();
    expect(findApiKey(keys, '')).toBeUndefined();
  });

  it('reports every problem without quoting a key', () => {
    const short = 'too-short';
    const { problems } = parseApiKeys(`nokey, bad name:${key1}:status:read, x:${short}:status:read, y:${key2}:admin, y:${key2}:`);
    expect(problems.join('\n')).toMatch(/entry 1: expected name:key:scopes/);
    expect(problems.join('\n')).toMatch(/entry 2: the name/);
    expect(problems.join('\n')).toMatch(/entry 3 \(x\): the key must be/);
    expect(problems.join('\n')).toMatch(/entry 4 \(y\): unknown scope\(s\) admin/);
    expect(problems.join('\n')).toMatch(/entry 5 \(y\): at least one scope/);
    expect(problems.join('\n')).toMatch(/duplicate name y/);
    expect(problems.join('\n')).not.toContain(short);
    expect(problems.join('\n')).not.toContain(key2);
  });
});

describe('scopesFromClaim', () => {
  it('takes a space-separated string or an array, and drops unknown scopes', () => {
    expect([...scopesFromClaim('status:read  pii:read admin')]).toEqual(['status:read', 'pii:read']);
    expect([...scopesFromClaim(['content:read', 3, 'status:read'])]).toEqual(['content:read', 'status:read']);
    expect([...scopesFromClaim(undefined)]).toEqual([]);
    expect([...scopesFromClaim({ scope: 'status:read' })]).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('allows perMinute requests at once, then refuses with a Retry-After until tokens refill', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((r) => r.ok)).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 20 });
    // Another client has its own bucket.
    expect(limiter.take('b').ok).toBe(true);
    now = 19_000;
    expect(limiter.take('a').ok).toBe(false);
    now = 30_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('forgets the least recently seen client beyond maxClients', () => {
    const limiter = new RateLimiter(1, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // 'a' was forgotten, so it starts with a full bucket; 'c' is still empty.
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('c').ok).toBe(false);
  });
});

describe('lookupBudget', () => {
  it('counts distinct (provider, id) pairs; repeats are free; the one over budget throws LOOKUP_BUDGET_EXCEEDED', () => {
    const check = lookupBudget(2);
    check('D7', 'a');
    check('D7', 'a');
    check('BETATEL', 'a');
    check('D7', 'a');
    expect(() => check('D7', 'b')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'LOOKUP_BUDGET_EXCEEDED', limit: 2 }) }));
  });
});

describe('scrubSecrets (the logger’s last pass over each line)', () => {
  it('replaces secrets as written and JSON-escaped', async () => {
    const { scrubSecrets } = await import('../../src/logger.js');
    const secret = 'abc"def\\ghi';
    const line = JSON.stringify({ msg: `x ${secret} y`, err: { message: secret } });
    expect(line).not.toContain(secret);
    const scrubbed = scrubSecrets(`${line} ${secret}`, [secret]);
    expect(scrubbed).not.toContain('abc');
    expect(scrubbed.match(/\[redacted\]/g)).toHaveLength(3);
  });
});

describe('accessSummary (the start-up line)', () => {
  it('says what anonymous callers see, loudly', async () => {
    const { accessSummary } = await import('../../src/security/summary.js');
    const { loadConfig } = await import('../../src/config.js');
    const sandbox = accessSummary(loadConfig({}, providers).security);
    expect(sandbox.level).toBe('warn');
    expect(sandbox.text).toMatch(/ANONYMOUS ACCESS ALLOWED \(scopes: status:read\).*phone numbers masked, no message text/);
    const wide = accessSummary(loadConfig({ ANONYMOUS_SCOPES: 'status:read pii:read content:read' }, providers).security);
    expect(wide.text).toMatch(/phone numbers IN CLEAR, message text \(OTP codes\) IN CLEAR/);
    const locked = accessSummary(loadConfig({ PROVIDER_MODE: 'live' }, providers).security);
    expect(locked).toMatchObject({ level: 'warn', fields: { anonymous: false } });
    expect(locked.text).toMatch(/every GraphQL request will be refused/);
    const keyed = accessSummary(loadConfig({ PROVIDER_MODE: 'live', API_KEYS: 'router:router-key-0123456789abcdefghij:status:read' }, providers).security);
    expect(keyed).toMatchObject({ level: 'info', fields: { apiKeys: ['router'] } });
    expect(keyed.text).not.toContain('router-key-0123');
  });
});

describe('security configuration', () => {
  it('defaults differ by mode: sandbox open for tooling, live closed', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const sandbox = loadConfig({}, providers).security;
    expect(sandbox).toMatchObject({ introspection: true, graphiql: true, blockFieldSuggestions: false, corsOrigins: [], maxBodyBytes: 102_400, rateLimitPerMinute: 600, maxUpstreamLookups: 100 });
    expect(sandbox.armor).toEqual({ maxDepth: 12, maxAliases: 20, maxTokens: 4_000, maxCost: 10_000, maxDirectives: 20 });
    const live = loadConfig({ PROVIDER_MODE: 'live' }, providers).security;
    expect(live).toMatchObject({ introspection: false, graphiql: false, blockFieldSuggestions: true, anonymousScopes: undefined });
    expect(loadConfig({ PROVIDER_MODE: 'live', INTROSPECTION: 'TRUE', GRAPHIQL: 'true' }, providers).security).toMatchObject({ introspection: true, graphiql: true });
  });

  it('reads lists and numbers, and reports bad values together', async () => {
    const { loadConfig } = await import('../../src/config.js');
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
