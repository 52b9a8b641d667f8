import { z } from 'zod';
import { int, type AreaSettings } from '../env-values.js';
import { parseApiKeys, type ApiKey } from './api-keys.js';
import { isScope, type Scope } from './scopes.js';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false']))
  .transform((v) => v === 'true');
const splitList = (v: string) => v.split(/[\s,]+/).filter(Boolean);
const asList = (v: unknown): string[] | undefined => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? splitList(v) : undefined);

const list = z.string().transform((v) => splitList(v));

/** Variables of authentication, authorization and limits (collected by src/config.ts). */
export const securityEnv = {
  API_KEYS: z.string().optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_SCOPES_CLAIM: z.string().min(1).default('scope'),
  // Clocks of an identity provider and of this service drift apart by seconds, not minutes.
  JWT_CLOCK_TOLERANCE_S: int(0, 600).default(60),
  ALLOW_ANONYMOUS: bool.optional(),
  ANONYMOUS_SCOPES: list.optional(),
  CORS_ORIGINS: list.optional(),
  MAX_BODY_BYTES: int(1_024, 16 * 1024 * 1024).default(102_400),
  RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(600),
  MAX_UPSTREAM_LOOKUPS_PER_OPERATION: int(1, 10_000).default(100),
  INTROSPECTION: bool.optional(),
  GRAPHIQL: bool.optional(),
  MAX_DEPTH: int(1, 100).default(12),
  MAX_ALIASES: int(0, 1_000).default(20),
  MAX_TOKENS: int(100, 100_000).default(4_000),
  MAX_COST: int(100, 1_000_000).default(10_000),
  MAX_DIRECTIVES: int(0, 1_000).default(20),
  // A status answer is a few kilobytes: a thousand items or 4 MiB is far beyond any honest page.
  MAX_RESULT_ITEMS: int(1, 1_000_000).default(1_000),
  MAX_RESPONSE_BYTES: int(1_024, 256 * 1024 * 1024).default(4 * 1024 * 1024),
  MAX_ENTITY_REPRESENTATIONS: int(1, 100_000).default(1_000),
};

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  scopesClaim: string;
  /** Seconds a token's `iat`/`nbf` may lie in the future, or its `exp` in the past. */
  clockToleranceS: number;
}

export interface SecuritySettings {
  apiKeys: ApiKey[];
  jwt: JwtSettings | undefined;
  /** Undefined: anonymous requests are refused (401). */
  anonymousScopes: ReadonlySet<Scope> | undefined;
  /** Empty: no cross-origin browser access. */
  corsOrigins: string[];
  maxBodyBytes: number;
  /** 0 turns the limit off. */
  rateLimitPerMinute: number;
  maxUpstreamLookups: number;
  introspection: boolean;
  graphiql: boolean;
  /** Did-you-mean suggestions (fields, arguments, types, enum values) reveal the schema; live mode blocks them. */
  blockFieldSuggestions: boolean;
  /** What one operation may answer: result items (repeats and aliases counted), serialized bytes, `_entities` representations. */
  answers: { maxResultItems: number; maxResponseBytes: number; maxEntityRepresentations: number };
  armor: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };
}

// Loose on purpose: when one of these variables failed to parse, they are all raw strings.
type SecurityValues = Partial<Record<keyof typeof securityEnv, unknown>> & Record<string, unknown>;

/**
 * Turns parsed variables into the security settings. `values` are raw strings when one of its
 * variables failed to parse, so this only reads what it re-checks, and returns problems instead.
 */
export function securitySettings(
  values: SecurityValues,
  mode: 'sandbox' | 'live',
): AreaSettings<SecuritySettings> {
  const problems: string[] = [];
  const keys = parseApiKeys(typeof values.API_KEYS === 'string' ? values.API_KEYS : undefined);
  problems.push(...keys.problems);

  const jwtParts = { JWT_JWKS_URL: values.JWT_JWKS_URL, JWT_ISSUER: values.JWT_ISSUER, JWT_AUDIENCE: values.JWT_AUDIENCE };
  const setParts = Object.entries(jwtParts).filter(([, v]) => v !== undefined);
  if (setParts.length > 0 && setParts.length < 3) {
    problems.push(`JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE go together: ${Object.keys(jwtParts).filter((k) => !setParts.some(([s]) => s === k)).join(', ')} missing`);
  }
  const jwt =
    setParts.length === 3
      ? {
          jwksUrl: String(values.JWT_JWKS_URL),
          issuer: String(values.JWT_ISSUER),
          audience: String(values.JWT_AUDIENCE),
          scopesClaim: String(values.JWT_SCOPES_CLAIM ?? 'scope'),
          clockToleranceS: typeof values.JWT_CLOCK_TOLERANCE_S === 'number' ? values.JWT_CLOCK_TOLERANCE_S : 60,
        }
      : undefined;

  const sandbox = mode === 'sandbox';
  const allowAnonymous = typeof values.ALLOW_ANONYMOUS === 'boolean' ? values.ALLOW_ANONYMOUS : sandbox;
  const anonymousScopes = asList(values.ANONYMOUS_SCOPES) ?? ['status:read'];
  const unknown = anonymousScopes.filter((s) => !isScope(s));
  if (unknown.length > 0) problems.push(`ANONYMOUS_SCOPES: unknown scope(s) ${unknown.join(', ')}`);

  const flag = (value: unknown) => (typeof value === 'boolean' ? value : sandbox);
  const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  return {
    settings: {
      apiKeys: keys.keys,
      jwt,
      anonymousScopes: allowAnonymous ? new Set(anonymousScopes.filter(isScope)) : undefined,
      corsOrigins: asList(values.CORS_ORIGINS) ?? [],
      maxBodyBytes: num(values.MAX_BODY_BYTES, 102_400),
      rateLimitPerMinute: num(values.RATE_LIMIT_PER_MINUTE, 600),
      maxUpstreamLookups: num(values.MAX_UPSTREAM_LOOKUPS_PER_OPERATION, 100),
      introspection: flag(values.INTROSPECTION),
      graphiql: flag(values.GRAPHIQL),
      blockFieldSuggestions: !sandbox,
      answers: {
        maxResultItems: num(values.MAX_RESULT_ITEMS, 1_000),
        maxResponseBytes: num(values.MAX_RESPONSE_BYTES, 4 * 1024 * 1024),
        maxEntityRepresentations: num(values.MAX_ENTITY_REPRESENTATIONS, 1_000),
      },
      armor: {
        maxDepth: num(values.MAX_DEPTH, 12),
        maxAliases: num(values.MAX_ALIASES, 20),
        maxTokens: num(values.MAX_TOKENS, 4_000),
        maxCost: num(values.MAX_COST, 10_000),
        maxDirectives: num(values.MAX_DIRECTIVES, 20),
      },
    },
    secrets: keys.secrets,
    problems,
  };
}
