import { DEFAULT_RECORD_BOUNDS, RECORD_BOUNDS_CEILING, type RecordBounds } from '../domain/record-bounds.js';
import { int, type AreaSettings, type EnvValues } from '../env-values.js';
import type { HttpLimits } from './http.js';

/**
 * Variables of what every provider is handed besides its own settings: the limits of its HTTP
 * calls (createClient) and the bounds of the records it stores (createClient, createMerge).
 * Each provider's own variables are its module's `env`.
 */
export const providerSharedEnv = {
  UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(5_000),
  UPSTREAM_MAX_BODY_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  MAX_MESSAGES_PER_RECORD: int(1, RECORD_BOUNDS_CEILING.maxMessages).default(DEFAULT_RECORD_BOUNDS.maxMessages),
  MAX_UNCONFIRMED_MESSAGES_PER_REPORT: int(0, RECORD_BOUNDS_CEILING.maxUnconfirmed).default(DEFAULT_RECORD_BOUNDS.maxUnconfirmed),
  UNCONFIRMED_MESSAGE_TTL_MS: int(100, 86_400_000).default(DEFAULT_RECORD_BOUNDS.unconfirmedTtlMs),
};

export interface ProviderSharedSettings {
  /** Timeouts and body cap of every provider's HTTP calls (their sockets follow the upstream concurrency, src/lookup/upstream-concurrency.ts). */
  upstream: Omit<HttpLimits, 'connections'>;
  /** What one stored record may hold: messages, and messages known only from webhooks. */
  records: RecordBounds;
}

/** From the parsed variables; no two of them conflict. */
export function providerSharedSettings(values: EnvValues<typeof providerSharedEnv>): AreaSettings<ProviderSharedSettings> {
  return {
    settings: {
      upstream: {
        headersTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
        bodyTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
        maxBodyBytes: values.UPSTREAM_MAX_BODY_BYTES,
      },
      records: {
        maxMessages: values.MAX_MESSAGES_PER_RECORD,
        maxUnconfirmed: values.MAX_UNCONFIRMED_MESSAGES_PER_REPORT,
        unconfirmedTtlMs: values.UNCONFIRMED_MESSAGE_TTL_MS,
      },
    },
    problems: [],
  };
}
