import { z } from 'zod';
import { int, type AreaSettings } from '../env-values.js';

/** Variables of the optional Redis tier (collected by src/config.ts). */
export const sharedStateEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('msg:'),
  // Short on purpose: Redis on the same network answers in about a millisecond; waiting longer
  // for it costs more than falling back to local behaviour.
  REDIS_COMMAND_TIMEOUT_MS: int(10, 10_000).default(150),
  REDIS_LOCK_TTL_MS: int(100, 120_000).default(5_000),
  REDIS_LOCK_WAIT_MS: int(10, 120_000).default(3_000),
};

export interface SharedStateSettings {
  /** redis:// or rediss:// (TLS), with an optional user, password and database number. */
  url: string;
  /** Put before every key and channel name, so deployments can share one Redis. */
  keyPrefix: string;
  /** Longest wait for one Redis command; past it the caller falls back to local behaviour. */
  commandTimeoutMs: number;
  /** Lifetime of a single-flight lock: the most a replica that dies holding one can cost. */
  lockTtlMs: number;
  /** How long a replica waits for another replica's answer before calling upstream itself. */
  lockWaitMs: number;
}

type SharedStateValues = Partial<Record<keyof typeof sharedStateEnv, unknown>> & Record<string, unknown>;

/**
 * Turns parsed variables into the Redis settings (undefined when REDIS_URL is unset). `values`
 * are raw strings when one of its variables failed to parse, so only re-checked values are read.
 */
export function sharedStateSettings(values: SharedStateValues): AreaSettings<SharedStateSettings | undefined> {
  // A raw REDIS_URL that is no URL at all failed its own check (reported): nothing to build.
  if (typeof values.REDIS_URL !== 'string' || !URL.canParse(values.REDIS_URL)) return { settings: undefined, secrets: [], problems: [] };
  const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  const settings: SharedStateSettings = {
    url: values.REDIS_URL,
    keyPrefix: typeof values.REDIS_KEY_PREFIX === 'string' ? values.REDIS_KEY_PREFIX : 'msg:',
    commandTimeoutMs: num(values.REDIS_COMMAND_TIMEOUT_MS, 150),
    lockTtlMs: num(values.REDIS_LOCK_TTL_MS, 5_000),
    lockWaitMs: num(values.REDIS_LOCK_WAIT_MS, 3_000),
  };
  const problems = settings.lockWaitMs > settings.lockTtlMs ? ['REDIS_LOCK_WAIT_MS: must not exceed REDIS_LOCK_TTL_MS (a waiter would outlive the lock it waits on)'] : [];
  // Both the percent-encoded and the decoded password may appear in a message (the URL itself, or an error).
  const password = new URL(values.REDIS_URL).password;
  const secrets = password ? [...new Set([password, decoded(password)])] : [];
  return { settings, secrets, problems };
}

/** A password as a client library may decode it; one with a malformed escape (`%ZZ`) is used as written. */
function decoded(password: string): string {
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}
