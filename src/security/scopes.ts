/** The scopes a caller can hold. Names as operators write them in API_KEYS, tokens and ANONYMOUS_SCOPES. */
export const SCOPES = ['status:read', 'pii:read', 'content:read'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Who is calling, resolved once per request. */
export interface Caller {
  kind: 'api-key' | 'jwt' | 'anonymous';
  /** Stable identity for rate limiting and logs: `key:<name>`, `jwt:<sub>` or `anonymous:<ip>`. Never a secret. */
  id: string;
  scopes: ReadonlySet<Scope>;
}
