import { AuthScopeFailureType, type ForbiddenResult } from '@pothos/plugin-scope-auth';
import { createGraphQLError } from 'graphql-yoga';
import type { Caller, Scope } from './scopes.js';

/** Pothos scope names (identifiers) for the scopes callers hold. */
export interface AuthScopes {
  statusRead: boolean;
  piiRead: boolean;
  contentRead: boolean;
}

const SCOPE_OF: Record<keyof AuthScopes, Scope> = { statusRead: 'status:read', piiRead: 'pii:read', contentRead: 'content:read' };

function missingScopes(result: ForbiddenResult): string[] {
  const failure = result.failure;
  if (failure.kind === AuthScopeFailureType.AuthScope) return [SCOPE_OF[failure.scope as keyof AuthScopes] ?? failure.scope];
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    return failure.failures.flatMap((f) => missingScopes({ message: result.message, failure: f }));
  }
  return [];
}

/**
 * The scope-auth options of the builder: scopes from the caller, FORBIDDEN naming the missing
 * scope. Subscription fields are authorized when the subscription is created: a caller without
 * the scope is refused before any watcher or lookup starts, not on each event.
 */
export const scopeAuthOptions = {
  authorizeOnSubscribe: true,
  authScopes: (ctx: { caller: Caller }) => ({
    statusRead: ctx.caller.scopes.has('status:read'),
    piiRead: ctx.caller.scopes.has('pii:read'),
    contentRead: ctx.caller.scopes.has('content:read'),
  }),
  unauthorizedError: (_parent: unknown, _ctx: unknown, _info: unknown, result: ForbiddenResult) => {
    const missing = missingScopes(result);
    return createGraphQLError(missing.length > 0 ? `${result.message}: requires the ${missing.join(', ')} scope` : result.message, {
      extensions: { code: 'FORBIDDEN', ...(missing.length > 0 && { requiredScopes: missing }) },
    });
  },
};
