import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { FieldNode, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { LookupGuard } from '../lookup/loader.js';
import { useAnswerLimits } from './use-answer-limits.js';
import { AuthenticationError, AuthenticationUnavailableError, createAuthenticator } from './authenticate.js';
import { addressIdentity } from './client-address.js';
import type { SecuritySettings } from './settings.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { introspectionDepthRule } from './introspection-depth.js';
import { lookupBudget } from './lookup-budget.js';
import type { Limiter, Verdict } from './rate-limit.js';
import type { Caller } from './scopes.js';
import { useBlockSuggestions } from './use-block-suggestions.js';

/**
 * Refuses `__schema` and `__type` (not `__typename`). By name, not by graphql's own
 * NoSchemaIntrospectionCustomRule, whose instanceof checks fail across graphql's ESM and CJS copies.
 */
function noIntrospection(context: ValidationContext) {
  return {
    Field(node: FieldNode) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(createGraphQLError(`GraphQL introspection is disabled here (INTROSPECTION=false); "${node.name.value}" is not allowed`, { nodes: [node], extensions: { code: 'INTROSPECTION_DISABLED' } }));
      }
    },
  };
}

/**
 * Armor's rules throw by default, which aborts validation with an error yoga cannot classify
 * (a 200 without a code). Reported instead, each is a validation error: 400 and a stable code.
 */
const reportLimit = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: { message: string; nodes?: unknown }) => {
      const limitError = createGraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_LIMIT_EXCEEDED' } });
      if (context) context.reportError(limitError);
      else throw limitError;
    },
  ],
};

/** The source address of a request served by the node adapter, as counted per client (see addressIdentity); "unknown" in-process (yoga.fetch). */
export function clientAddress(serverContext: unknown): string {
  const address = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress;
  return address === undefined ? 'unknown' : addressIdentity(address);
}

/**
 * The yoga plugins of the security layer, in the order they act: CSRF, then (once the request
 * is parsed, before validation) authentication and the rate limit, then the document limits
 * (armor, introspection), then per-operation scopes in the context and the lookup budget.
 * Nothing here runs for /health, /ready or /metrics, which end earlier.
 */
export interface SecurityPlugins {
  plugins: Plugin[];
  /** The caller authenticated for this request; undefined before authentication ran. */
  callerOf(request: Request): Caller | undefined;
}

export function securityPlugins(security: SecuritySettings, options: { exposeErrorDetails: boolean; limiter: Limiter | undefined }): SecurityPlugins {
  const authenticate = createAuthenticator(security);
  const { limiter } = options;
  const callers = new WeakMap<Request, Caller>();
  const { armor } = security;
  const introspectionDepth = introspectionDepthRule(armor.maxDepth);
  const rateLimited = (retryAfterSeconds: number) =>
    createGraphQLError(`rate limit of ${security.rateLimitPerMinute} requests per minute exceeded; retry in ${retryAfterSeconds} s`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } },
    });

  /** Refuses a request whose credentials failed; a failed attempt counts against the client's address, so guessing keys is throttled too. */
  const refuse = async (error: unknown, address: string): Promise<never> => {
    if (error instanceof AuthenticationUnavailableError) {
      throw createGraphQLError(error.message, { extensions: { code: 'AUTHENTICATION_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } } });
    }
    if (!(error instanceof AuthenticationError)) throw error;
    const verdict = await limiter?.take(`unauthenticated:${address}`);
    if (verdict && !verdict.ok) throw rateLimited(verdict.retryAfterSeconds);
    throw createGraphQLError(error.message, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } },
    });
  };
  const admit = (caller: Caller, request: Request, verdict: Verdict | undefined): void => {
    if (verdict && !verdict.ok) throw rateLimited(verdict.retryAfterSeconds);
    callers.set(request, caller);
  };
  const admitWithin = (caller: Caller, request: Request): void | Promise<void> => {
    const verdict = limiter?.take(caller.id);
    return verdict instanceof Promise ? verdict.then((v) => admit(caller, request, v)) : admit(caller, request, verdict);
  };

  const auth: Plugin = {
    // Synchronous for an API key or anonymous access with in-process buckets (no promise per
    // request: yoga then runs the next hooks at once); a JWT or Redis buckets answer later.
    onParams({ request, context }) {
      const address = clientAddress(context);
      let caller: Caller | Promise<Caller>;
      try {
        caller = authenticate(request.headers, address);
      } catch (error) {
        return refuse(error, address);
      }
      if (caller instanceof Promise) return caller.then((known) => admitWithin(known, request), (error: unknown) => refuse(error, address));
      return admitWithin(caller, request);
    },
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        for (const error of (one as { errors?: readonly { extensions?: Record<string, unknown> }[] }).errors ?? []) {
          const extensions = error.extensions;
          if (!extensions) continue;
          // Yoga attaches the JSON parser's message to a malformed-body error, and that message
          // quotes the body back. Kept as an object (yoga answers 400 because it is there), without the quote.
          const original = extensions.originalError as { name?: unknown; message?: unknown } | undefined;
          if (original && !options.exposeErrorDetails && original.name === 'SyntaxError') {
            extensions.originalError = { name: 'SyntaxError', message: 'the request body is not valid JSON' };
          }
        }
      }
    },
    onValidate({ addValidationRule }) {
      if (!security.introspection) addValidationRule(noIntrospection);
      else addValidationRule(introspectionDepth);
    },
  };

  const plugins = [
    // Browsers send JSON POSTs only after a CORS preflight; other requests need this header.
    useCsrfPrevention(),
    auth,
    maxTokensPlugin({ n: armor.maxTokens, ...reportLimit }),
    // Introspection is bounded by introspectionDepthRule (armor skips it).
    maxDepthPlugin({ n: armor.maxDepth, flattenFragments: true, ...reportLimit }),
    // Armor exempts `__typename` aliases by default, yet 300 of them cost 300 result entries.
    maxAliasesPlugin({ n: armor.maxAliases, allowList: [], ...reportLimit }),
    maxDirectivesPlugin({ n: armor.maxDirectives, ...reportLimit }),
    costLimitPlugin({ maxCost: armor.maxCost, ...reportLimit }),
    ...(security.blockFieldSuggestions ? [useBlockSuggestions()] : []),
    useAnswerLimits(security.answers),
  ] as Plugin[];
  return { plugins, callerOf: (request) => callers.get(request) };
}

/**
 * The loader's check before each distinct lookup of one operation: the caller's status:read
 * scope (federation's `_entities` is not covered by the Query type's scope, and every lookup
 * path ends in the loader) and the per-operation budget of distinct upstream lookups.
 */
export function lookupGuard(caller: Caller, maxUpstreamLookups: number): LookupGuard {
  const budget = lookupBudget(maxUpstreamLookups);
  return (provider, id) => {
    if (!caller.scopes.has('status:read')) {
      throw createGraphQLError('Not authorized to look up message statuses: requires the status:read scope', {
        extensions: { code: 'FORBIDDEN', requiredScopes: ['status:read'] },
      });
    }
    budget(provider, id);
  };
}
