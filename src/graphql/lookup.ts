import type { GraphQLError } from 'graphql';
import type { GraphQLContext, ProviderIdentity } from '../context.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import { ProviderFailure } from '../domain/provider-failure.js';
import { decodeGlobalId } from './global-id.js';
import { LookupProblem } from './lookup-problem.js';

/** Shown in messages; the full id still travels in `providerMessageId`. */
export function quoteId(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}

function invalidIdMessage(provider: ProviderIdentity, raw: string): string {
  return `${quoteId(raw)} is not a valid ${provider.label} message id: expected ${provider.idFormat}`;
}

/** Description of the `maxAge` argument, shared by every root field that has it. */
export const MAX_AGE_DESCRIPTION =
  'Freshness demand, in seconds (0 or more): do not answer from data this service obtained more than `maxAge` seconds before the request began. Without it, cached answers are used while they live (final states about 10 minutes, states still moving about 5 seconds, not-found about 2 seconds; provider failures are never cached). 0 forces a fresh upstream call, which is still shared with identical lookups started after this request began. The answer always takes that fresh call into account; when the provider answered with an older state than one already known (it went backwards), the known state is kept and `fetchedAt` says when it was obtained. A negative value is an InvalidArgument for this field alone (BAD_USER_INPUT on the nullable single-record fields).';

/** A negative `maxAge` as the problem it is for this field alone; undefined when it is fine. */
export function maxAgeProblem(maxAge: number | null | undefined, provider: string, raw: string): LookupProblem | undefined {
  if (maxAge === null || maxAge === undefined || maxAge >= 0) return undefined;
  return new LookupProblem('InvalidArgument', `maxAge must be 0 or more seconds; got ${maxAge}`, provider, raw, false, undefined, 'maxAge');
}

/**
 * The union member for one (provider, id) pair: a record or a typed problem, never a thrown
 * provider failure. Every result item passes here once, so here it is weighed for the answer's
 * size bound (a WeakMap lookup for a record already answered once).
 */
export async function lookupResult(ctx: GraphQLContext, providerKey: string, raw: string, maxAge?: number | null): Promise<MessageStatusRecord | LookupProblem> {
  const result = await lookupItem(ctx, providerKey, raw, maxAge);
  if (ctx.items) {
    ctx.items.answered += 1;
    if (result instanceof LookupProblem && result.kind === 'ProviderError') ctx.items.failedCodes.push(result.failure?.code ?? 'UNAVAILABLE');
  }
  return result;
}

async function lookupItem(ctx: GraphQLContext, providerKey: string, raw: string, maxAge?: number | null): Promise<MessageStatusRecord | LookupProblem> {
  const provider = ctx.providers.byKey(providerKey);
  const badAge = maxAgeProblem(maxAge, provider.key, raw);
  if (badAge) return ctx.answer.weighProblem(badAge);
  const id = provider.parseId(raw);
  if (id === undefined) return ctx.answer.weighProblem(new LookupProblem('InvalidMessageId', invalidIdMessage(provider, raw), provider.key, raw, false));
  try {
    const record = await ctx.lookups.load(provider.key, id, maxAge ?? undefined);
    if (record) return ctx.answer.weigh(record);
    return ctx.answer.weighProblem(new LookupProblem('MessageNotFound', `${provider.label} has no message with id ${quoteId(raw)}`, provider.key, raw, false));
  } catch (error) {
    // Anything else (the security guard's refusal) is a GraphQL error of its own.
    if (!(error instanceof ProviderFailure)) throw error;
    return ctx.answer.weighProblem(LookupProblem.fromFailure(error, raw));
  }
}

/**
 * For nullable single-record fields (`d7Report`, `node`): null when not found, a GraphQL
 * error with a stable code otherwise.
 */
export async function findOrNull(ctx: GraphQLContext, providerKey: string, raw: string, argumentName: string, maxAge?: number | null): Promise<MessageStatusRecord | null> {
  const result = await lookupResult(ctx, providerKey, raw, maxAge);
  if (!(result instanceof LookupProblem)) return result;
  if (result.kind === 'MessageNotFound') return null;
  throw result.toGraphQLError(argumentName);
}

/** Provider key and id of an opaque global id, or the BAD_USER_INPUT problem; `onlyProvider` restricts it to one provider's type. */
export function parseGlobalId(ctx: GraphQLContext, globalId: string, onlyProvider?: string): { provider: string; id: string } | GraphQLError {
  const decoded = decodeGlobalId(globalId);
  const provider = decoded && ctx.providers.byTypeName(decoded.typeName);
  if (!decoded || !provider || (onlyProvider !== undefined && provider.key !== onlyProvider)) {
    return new LookupProblem('InvalidMessageId', `${quoteId(globalId)} is not a valid global id of this service`, onlyProvider ?? '', globalId, false).toGraphQLError('id');
  }
  return { provider: provider.key, id: decoded.id };
}

/** Resolves an opaque global id for `node(id:)`. */
export async function findByGlobalId(ctx: GraphQLContext, globalId: string): Promise<MessageStatusRecord | null> {
  const parsed = parseGlobalId(ctx, globalId);
  if (parsed instanceof Error) throw parsed;
  return findOrNull(ctx, parsed.provider, parsed.id, 'id');
}
