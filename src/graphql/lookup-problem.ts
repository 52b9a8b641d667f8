import type { ProviderErrorCode } from '../domain/provider-failure.js';

export type LookupProblemKind = 'MessageNotFound' | 'InvalidMessageId' | 'ProviderError';

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
  ) {}
}
