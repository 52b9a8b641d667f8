import { createGraphQLError } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { ProviderFailure } from '../domain/provider-failure.js';
import type { ProviderModule } from '../providers/provider.js';
import { providerByKey, providerByTypeName } from '../providers/registry.js';
import { decodeGlobalId } from './global-id.js';
import { LookupProblem } from './lookup-problem.js';

/** Shown in messages; the full id still travels in `providerMessageId`. */
function quoteId(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}

function invalidIdMessage(provider: ProviderModule, raw: string): string {
  return `${quoteId(raw)} is not a valid ${provider.label} message id: expected ${provider.idFormat}`;
}

/** Description of the `maxAge` argument, shared by every root field that has it. */
export const MAX_AGE_DESCRIPTION =
  'Freshness demand, in seconds: do not answer from data this service obtained more than `maxAge` seconds before the request began. Without it, cached answers are used while they live (final states about 10 minutes, states still moving about 5 seconds, not-found about 2 seconds; provider failures are never cached). 0 forces a fresh upstream call, which is still shared with identical lookups started after this request began. `fetchedAt` tells how fresh the answer is.';

/** A BAD_USER_INPUT error for a negative `maxAge`; the whole field fails, since the demand itself is wrong. */
export function checkMaxAge(maxAge: number | null | undefined): number | undefined {
  if (maxAge === null || maxAge === undefined) return undefined;
  if (maxAge < 0) throw createGraphQLError(`maxAge must be 0 or more seconds; got ${maxAge}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'maxAge' } });
  return maxAge;
}

/** The union member for one (provider, id) pair: a record or a typed problem, never a thrown error. */
export async function lookupResult(ctx: GraphQLContext, providerKey: string, raw: string, maxAge?: number): Promise<MessageStatusRecord | LookupProblem> {
  const provider = providerByKey(providerKey);
  const id = provider.parseId(raw);
  if (id === undefined) return new LookupProblem('InvalidMessageId', invalidIdMessage(provider, raw), provider.key, raw, false);
  try {
    const record = await ctx.loader.load(provider.key, id, maxAge);
    return record ?? new LookupProblem('MessageNotFound', `${provider.label} has no message with id ${quoteId(raw)}`, provider.key, raw, false);
  } catch (error) {
    if (!(error instanceof ProviderFailure)) throw error;
    return new LookupProblem('ProviderError', error.message, provider.key, raw, error.retryable, {
      code: error.code,
      httpStatus: error.httpStatus,
      providerCode: error.providerCode,
      retryAfterMs: error.retryAfterMs,
    });
  }
}

/**
 * For nullable single-record fields (`d7Report`, `node`, entity references):
 * null when not found, a GraphQL error with a stable code otherwise.
 */
export async function findOrNull(
  ctx: GraphQLContext,
  providerKey: string,
  raw: string,
  argumentName: string,
  maxAge?: number,
): Promise<MessageStatusRecord | null> {
  const result = await lookupResult(ctx, providerKey, raw, maxAge);
  if (!(result instanceof LookupProblem)) return result;
  if (result.kind === 'MessageNotFound') return null;
  if (result.kind === 'InvalidMessageId') {
    throw createGraphQLError(result.message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
  }
  const failure = result.failure;
  throw createGraphQLError(result.message, {
    extensions: {
      code: failure?.code ?? 'UNAVAILABLE',
      provider: result.provider,
      retryable: result.retryable,
      ...(failure?.httpStatus !== undefined && { httpStatus: failure.httpStatus }),
      ...(failure?.retryAfterMs !== undefined && { retryAfterSeconds: Math.ceil(failure.retryAfterMs / 1000) }),
    },
  });
}

/** Resolves an opaque global id; `onlyProvider` restricts it to one provider's type. */
export function findByGlobalId(ctx: GraphQLContext, globalId: string, onlyProvider?: string): Promise<MessageStatusRecord | null> {
  const decoded = decodeGlobalId(globalId);
  const provider = decoded && providerByTypeName(decoded.typeName);
  if (!decoded || !provider || (onlyProvider !== undefined && provider.key !== onlyProvider)) {
    return Promise.reject(
      createGraphQLError(`${quoteId(globalId)} is not a valid global id of this service`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } }),
    );
  }
  return findOrNull(ctx, provider.key, decoded.id, 'id');
}
