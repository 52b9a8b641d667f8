import { PROVIDER_ERROR_CODES, type ProviderErrorCode } from '../../domain/provider-failure.js';
import type { Builder } from '../../providers/graphql-kit.js';
import type { AnyProviderModule } from '../../providers/provider.js';
import { LookupProblem } from '../lookup-problem.js';
import type { ProviderEnumRef } from './provider.js';

const CODE_DESCRIPTIONS: Record<ProviderErrorCode, string> = {
  UNAUTHORIZED: "The provider refused this service's credentials (HTTP 401/403).",
  RATE_LIMITED: 'The provider is rate-limiting this service (HTTP 429); see `retryAfterSeconds`.',
  UNAVAILABLE: 'The provider could not be reached or answered with a server error (5xx).',
  TIMEOUT: 'The provider did not answer in time.',
  BAD_RESPONSE: 'The provider answered with something that is not its documented format (bad JSON, wrong shape, oversized body, unexpected status).',
  NOT_CONFIGURED: 'This server has no credentials for the provider.',
};

/** The LookupError interface and its members; the InvalidMessageId description names each provider's id format. */
export function defineLookupErrors(builder: Builder, ProviderEnum: ProviderEnumRef, providers: readonly AnyProviderModule[]) {
  const ProviderErrorCodeEnum = builder.enumType('ProviderErrorCode', {
    description: 'Why a provider lookup failed.',
    values: Object.fromEntries(PROVIDER_ERROR_CODES.map((c) => [c, { value: c, description: CODE_DESCRIPTIONS[c] }])) as Record<
      ProviderErrorCode,
      { value: ProviderErrorCode; description: string }
    >,
  });

  const LookupErrorInterface = builder.interfaceRef<LookupProblem>('LookupError').implement({
    description:
      'Why one looked-up message has no record. Its fields share names and types with MessageStatus, so one selection can cover every member of MessageStatusResult.',
    resolveType: (problem) => problem.kind,
    fields: (t) => ({
      message: t.exposeString('message', { description: 'What went wrong, in words fit to show a developer.' }),
      provider: t.field({ type: ProviderEnum, description: 'The provider the lookup was for.', resolve: (p) => p.provider }),
      providerMessageId: t.exposeString('providerMessageId', { description: 'The id exactly as the client sent it.' }),
      retryable: t.exposeBoolean('retryable', { description: 'True when the same lookup may succeed if tried again later.' }),
    }),
  });

  const problemType = (kind: LookupProblem['kind'], description: string) =>
    builder.objectRef<LookupProblem>(kind).implement({
      description,
      interfaces: [LookupErrorInterface],
      isTypeOf: (value) => value instanceof LookupProblem && value.kind === kind,
    });

  const MessageNotFoundType = problemType('MessageNotFound', 'The provider has no message with this id.');

  const InvalidMessageIdType = problemType(
    'InvalidMessageId',
    `The id does not have the provider's format (${providers.map((p) => p.idWording.format).join('; ')}). Nothing was sent to the provider.`,
  );

  const InvalidArgumentType = builder.objectRef<LookupProblem>('InvalidArgument').implement({
    description: 'An argument of the field is invalid for this lookup (e.g. a negative `maxAge`). Nothing was sent to the provider; other fields of the request are unaffected.',
    interfaces: [LookupErrorInterface],
    isTypeOf: (value) => value instanceof LookupProblem && value.kind === 'InvalidArgument',
    fields: (t) => ({
      argumentName: t.string({ description: 'The argument at fault, e.g. `maxAge`.', resolve: (p) => p.argumentName ?? '' }),
    }),
  });

  const ProviderErrorType = builder.objectRef<LookupProblem>('ProviderError').implement({
    description: 'The provider failed to answer for this message; other items of the same request are unaffected.',
    interfaces: [LookupErrorInterface],
    isTypeOf: (value) => value instanceof LookupProblem && value.kind === 'ProviderError',
    fields: (t) => ({
      code: t.field({ type: ProviderErrorCodeEnum, description: 'The kind of failure.', resolve: (p) => p.failure?.code ?? 'UNAVAILABLE' }),
      httpStatus: t.int({
        nullable: true,
        description: 'The HTTP status the provider answered with, when it answered at all.',
        resolve: (p) => p.failure?.httpStatus ?? null,
      }),
      providerCode: t.string({
        nullable: true,
        description: "The provider's own error code, when it gave one (e.g. D7 `ACCESS_TOKEN_EXPIRED`).",
        resolve: (p) => p.failure?.providerCode ?? null,
      }),
      retryAfterSeconds: t.int({
        nullable: true,
        description: 'How long the provider asked us to wait before trying again (from Retry-After).',
        resolve: (p) => (p.failure?.retryAfterMs === undefined ? null : Math.ceil(p.failure.retryAfterMs / 1000)),
      }),
    }),
  });

  return { MessageNotFoundType, InvalidMessageIdType, InvalidArgumentType, ProviderErrorType };
}

export type LookupErrorRefs = ReturnType<typeof defineLookupErrors>;
