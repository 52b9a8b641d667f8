import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';
import { accessSummary } from '../../../src/security/summary.js';

describe('accessSummary (the start-up line)', () => {
  it('says what anonymous callers see, loudly', () => {
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
