import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { ProviderErrorCode, ProviderFailure } from '../domain/provider-failure.js';

export type LookupProblemKind = 'MessageNotFound' | 'InvalidMessageId' | 'InvalidArgument' | 'ProviderError';

/** A typed per-item error, as the LookupError members of MessageStatusResult show it. */
export class LookupProblem {
  constructor(
    readonly kind: LookupProblemKind,
    readonly message: string,
    readonly provider: string,
    /** The id as the client sent it. */
    readonly providerMessageId: string,
    readonly retryable: boolean,
    readonly failure?: {
      code: ProviderErrorCode;
      httpStatus: number | undefined;
      providerCode: string | undefined;
      retryAfterMs: number | undefined;
    },
    /** InvalidArgument: the argument at fault. */
    readonly argumentName?: string,
  ) {}

  static fromFailure(failure: ProviderFailure, raw: string): LookupProblem {
    return new LookupProblem('ProviderError', failure.message, failure.provider, raw, failure.retryable, {
      code: failure.code,
      httpStatus: failure.httpStatus,
      providerCode: failure.providerCode,
      retryAfterMs: failure.retryAfterMs,
    });
  }

  /**
   * The same problem as a GraphQL error, for the nullable single-record fields (`d7Report`,
   * `node`, entity references), which have no union member to carry it: the one mapping of a
   * lookup problem to GraphQL errors. `argumentName` names the id argument for BAD_USER_INPUT.
   */
  toGraphQLError(argumentName: string): GraphQLError {
    if (this.kind === 'InvalidMessageId' || this.kind === 'InvalidArgument') {
      return createGraphQLError(this.message, { extensions: { code: 'BAD_USER_INPUT', argumentName: this.argumentName ?? argumentName } });
    }
    if (this.kind === 'MessageNotFound') return createGraphQLError(this.message, { extensions: { code: 'NOT_FOUND' } });
    const failure = this.failure;
    return createGraphQLError(this.message, {
      extensions: {
        code: failure?.code ?? 'UNAVAILABLE',
        provider: this.provider,
        retryable: this.retryable,
        ...(failure?.httpStatus !== undefined && { httpStatus: failure.httpStatus }),
        ...(failure?.retryAfterMs !== undefined && { retryAfterSeconds: Math.ceil(failure.retryAfterMs / 1000) }),
      },
    });
  }
}
