import type { SecuritySettings } from './settings.js';
import type { Scope } from './scopes.js';

export interface AccessSummary {
  level: 'info' | 'warn';
  fields: { anonymous: Scope[] | false; apiKeys: string[]; jwtIssuer: string | undefined; introspection: boolean; graphiql: boolean };
  text: string;
}

/** What anonymous callers may see, in plain words. */
function anonymousCanSee(scopes: ReadonlySet<Scope>): string {
  if (!scopes.has('status:read')) return 'nothing but the schema';
  const numbers = scopes.has('pii:read') ? 'phone numbers IN CLEAR' : 'phone numbers masked';
  const text = scopes.has('content:read') ? 'message text (OTP codes) IN CLEAR' : 'no message text';
  return `delivery statuses, ${numbers}, ${text}`;
}

/** The start-up line about who may call: loud (warn) when anonymous access is on or nobody can authenticate. */
export function accessSummary(security: SecuritySettings): AccessSummary {
  const fields = {
    anonymous: security.anonymousScopes ? [...security.anonymousScopes] : (false as const),
    apiKeys: security.apiKeys.map((k) => k.name),
    jwtIssuer: security.jwt?.issuer,
    introspection: security.introspection,
    graphiql: security.graphiql,
  };
  const credentials = `${fields.apiKeys.length} API key(s)${fields.apiKeys.length > 0 ? ` (${fields.apiKeys.join(', ')})` : ''}, JWT ${security.jwt ? `from ${security.jwt.issuer}` : 'off'}`;
  if (security.anonymousScopes) {
    return {
      level: 'warn',
      fields,
      text: `ANONYMOUS ACCESS ALLOWED (scopes: ${fields.anonymous || 'none'}): anyone who reaches this port sees ${anonymousCanSee(security.anonymousScopes)}; set ALLOW_ANONYMOUS=false to require credentials | ${credentials}`,
    };
  }
  if (fields.apiKeys.length === 0 && !security.jwt) {
    return { level: 'warn', fields, text: `anonymous access off and no API_KEYS or JWT_JWKS_URL configured: every GraphQL request will be refused (401)` };
  }
  return { level: 'info', fields, text: `authentication required: ${credentials}` };
}
