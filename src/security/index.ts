import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { ProviderMode } from '../config.js';
import type { LookupGuard } from '../lookup/loader.js';
import type { SecuritySettings } from './settings.js';
import { corsFor } from './csrf.js';
import { lookupGuard, securityPlugins } from './security-plugins.js';
import { FallbackLimiter, RateLimiter, type RemoteBuckets } from './rate-limit.js';
import type { Caller } from './scopes.js';

export interface SecurityLayer {
  plugins: Plugin[];
  cors: (request: Request) => CORSOptions;
  maxRequestBodySize: number;
  /** Stack traces in masked errors only in sandbox with NODE_ENV=development (yoga's dev mode). */
  maskedErrors: { isDev: boolean };
  graphiql: boolean;
  /** The authenticated caller of a GraphQL request (set before its context is built). */
  callerOf(request: Request): Caller | undefined;
  /** The per-operation lookup check handed to the request's loader. */
  lookupGuard(caller: Caller): LookupGuard;
}

/**
 * Everything createApp needs from the security layer, as yoga options. With `remoteBuckets`
 * (Redis), rate limits are shared by replicas, and local whenever those cannot answer.
 */
export function createSecurity(security: SecuritySettings, mode: ProviderMode, remoteBuckets?: RemoteBuckets): SecurityLayer {
  const isDev = mode === 'sandbox' && process.env.NODE_ENV === 'development';
  const perMinute = security.rateLimitPerMinute;
  const local = perMinute > 0 ? new RateLimiter(perMinute) : undefined;
  const limiter = local && remoteBuckets ? new FallbackLimiter(remoteBuckets, local, perMinute) : local;
  const { plugins, callerOf } = securityPlugins(security, { exposeErrorDetails: isDev, limiter });
  return {
    plugins,
    cors: corsFor(security.corsOrigins),
    maxRequestBodySize: security.maxBodyBytes,
    maskedErrors: { isDev },
    graphiql: security.graphiql,
    callerOf,
    lookupGuard: (caller) => lookupGuard(caller, security.maxUpstreamLookups),
  };
}
