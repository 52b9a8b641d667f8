import { z } from 'zod';
import type { TracingConfig } from './observability/tracing.js';
import type { HttpLimits } from './providers/http.js';
import type { ProviderSettings } from './providers/provider.js';
import { providers } from './providers/registry.js';
import { securityEnv, securitySettings, type SecurityConfig } from './security/config.js';

// Plain decimal digits only: Number() would also take "0x10", "1e3" or " ".
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/** Variables every deployment reads; each provider adds its own (see ProviderModule.env). */
const commonEnv = {
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PROVIDER_MODE: z.enum(['sandbox', 'live']).optional(),
  MAX_BATCH_SIZE: int(1, 1000).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UPSTREAM_CONNECTIONS: int(1, 1024).default(32),
  UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(5_000),
  UPSTREAM_MAX_BODY_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  LOOKUP_CONCURRENCY: int(1, 1000).default(16),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('message-status-graph'),
  SANDBOX_SLOW_MS: int(0, 600_000).default(15_000),
};

/** Every variable the configuration reads (documentation checks compare README and .env.example with it). */
export function configVariables(): string[] {
  return [...Object.keys(commonEnv), ...Object.keys(securityEnv), ...providers.flatMap((p) => Object.keys(p.env))];
}

export type ProviderMode = 'sandbox' | 'live';

export interface Config {
  port: number;
  host: string;
  mode: ProviderMode;
  /** Why this mode: set explicitly, or chosen from the credentials present. */
  modeSource: 'PROVIDER_MODE' | 'credentials' | 'no credentials';
  maxBatchSize: number;
  logLevel: string;
  lookupConcurrency: number;
  /** Undefined: readable on a terminal outside production, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** How long in-flight requests may run after SIGTERM/SIGINT before their connections are cut. */
  shutdownGraceMs: number;
  tracing: TracingConfig;
  /** Sandbox only: how long the simulators' documented slow ids wait. */
  sandboxSlowMs: number;
  upstream: HttpLimits;
  /** By provider key. */
  providers: Record<string, ProviderSettings<unknown>>;
  /** Client authentication, scopes and request limits (src/security/). */
  security: SecurityConfig;
  /** Every secret value configured, for redaction. */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every problem is reported together. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const shape = Object.assign({}, commonEnv, securityEnv, ...providers.map((p) => p.env)) as typeof commonEnv & z.ZodRawShape;
  // An empty (or blank) variable counts as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = z.object(shape).safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  // Provider checks run even when a value failed above, so every problem is reported at once.
  const values = (parsed.success ? parsed.data : present) as z.infer<z.ZodObject<typeof commonEnv>> & Record<string, unknown>;

  const settings: Record<string, ProviderSettings<unknown>> = {};
  const secrets: string[] = [];
  for (const provider of providers) {
    const result = provider.settings(values);
    problems.push(...result.problems);
    settings[provider.key] = result.settings;
    if (result.settings.credentials) secrets.push(...provider.secrets(result.settings.credentials));
  }
  const anyCredential = Object.values(settings).some((s) => s.credentials !== undefined);
  const mode: ProviderMode = values.PROVIDER_MODE ?? (anyCredential ? 'live' : 'sandbox');
  const security = securitySettings(values, mode);
  problems.push(...security.problems);
  secrets.push(...security.secrets);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: values.PORT,
    host: values.HOST,
    mode,
    modeSource: values.PROVIDER_MODE ? 'PROVIDER_MODE' : anyCredential ? 'credentials' : 'no credentials',
    maxBatchSize: values.MAX_BATCH_SIZE,
    logLevel: values.LOG_LEVEL,
    lookupConcurrency: values.LOOKUP_CONCURRENCY,
    logFormat: values.LOG_FORMAT,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    tracing: { otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME },
    sandboxSlowMs: values.SANDBOX_SLOW_MS,
    upstream: {
      connections: values.UPSTREAM_CONNECTIONS,
      headersTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
      bodyTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
      maxBodyBytes: values.UPSTREAM_MAX_BODY_BYTES,
    },
    providers: settings,
    security: security.settings,
    secrets,
  };
}
