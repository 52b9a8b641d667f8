export const PROVIDER_ERROR_CODES = [
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'TIMEOUT',
  'BAD_RESPONSE',
  'NOT_CONFIGURED',
] as const;

export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set(['RATE_LIMITED', 'UNAVAILABLE', 'TIMEOUT']);

export interface ProviderFailureInit {
  provider: string;
  code: ProviderErrorCode;
  message: string;
  httpStatus?: number;
  /** The provider's own error code, e.g. D7 "ACCESS_TOKEN_EXPIRED". */
  providerCode?: string;
  retryAfterMs?: number;
  cause?: unknown;
  /** This service's own limit ended the call (see ProviderFailure.local). */
  local?: boolean;
}

/**
 * The one error type for anything that went wrong talking to a provider.
 * Its message is safe to show to clients: it never holds a secret.
 */
export class ProviderFailure extends Error {
  readonly provider: string;
  readonly code: ProviderErrorCode;
  readonly httpStatus: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  /**
   * True when this service's own limit ended the call (its deadline passed, its queue was
   * full, its circuit is open), not something the provider did: the breaker does not hold it
   * against the provider.
   */
  readonly local: boolean;

  constructor(init: ProviderFailureInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderFailure';
    this.provider = init.provider;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.providerCode = init.providerCode;
    this.retryAfterMs = init.retryAfterMs;
    this.local = init.local === true;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/**
 * A lookup still waiting when its deadline (the request's, or the call's) came: the one wording
 * of that failure. Our deadline, so `local`; `cause` is the provider's failure of an earlier
 * attempt when a retry was cut short (the breaker then counts that failure).
 */
export function deadlineTimeout(provider: string, cause?: unknown): ProviderFailure {
  return new ProviderFailure({ provider, code: 'TIMEOUT', message: `${provider} did not answer before the request deadline`, cause, local: true });
}
