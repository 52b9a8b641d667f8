import { z } from 'zod';
import { DEFAULT_RECORD_BOUNDS, RECORD_BOUNDS_CEILING, type RecordBounds } from './domain/record-bounds.js';
import { int } from './env-values.js';
import { serverEnv, serverLimitProblems, serverLimits, type ServerLimits } from './http/server-options.js';
import type { TracingConfig } from './observability/tracing.js';
import type { PersistedDocumentsConfig } from './persisted/use-persisted-documents.js';
import type { HttpLimits } from './providers/http.js';
import type { ProviderSettings } from './providers/provider.js';
import { webhookEnv, webhookSettings, type WebhookConfig } from './webhooks/settings.js';
import { graphqlWsEnv, graphqlWsSettings, type GraphQLWsSettings } from './subscriptions/graphql-ws-settings.js';
import { providers } from './providers/registry.js';
import type { AdaptiveLimitSettings, CacheSettings, ResilienceSettings } from './lookup/settings.js';
import type { LiveSettings } from './subscriptions/settings.js';
import { securityEnv, securitySettings, type SecurityConfig } from './security/config.js';
import { sharedStateEnv, sharedStateSettings, type SharedStateConfig } from './shared-state/config.js';
import { upstreamConcurrency, upstreamConcurrencyEnv } from './upstream-concurrency.js';

/** Variables every deployment reads; each provider adds its own (see ProviderModule.env). */
const commonEnv = {
  PORT: int(0, 65535).default(4000),
  // Unset: loopback in sandbox mode (its webhook tokens are public), every interface in live mode.
  HOST: z.string().min(1).optional(),
  PROVIDER_MODE: z.enum(['sandbox', 'live']).optional(),
  MAX_BATCH_SIZE: int(1, 1000).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(5_000),
  UPSTREAM_MAX_BODY_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  LOOKUP_CONCURRENCY: int(1, 1000).default(100),
  // Upstream lookups one client has in flight at once, across its requests: a share of the bulkhead queue (BULKHEAD_QUEUE, 2048).
  LOOKUPS_IN_FLIGHT_PER_CLIENT: int(1, 100_000).default(200),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('message-status-graph'),
  SANDBOX_SLOW_MS: int(0, 600_000).default(15_000),
  REQUEST_DEADLINE_MS: int(100, 120_000).default(8_000),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: int(50, 120_000).default(5_000),
  BULKHEAD_QUEUE: int(0, 100_000).default(2_048),
  WATCHER_POLL_CONCURRENCY: int(1, 10_000).default(8),
  BREAKER_THRESHOLD: int(1, 1000).default(5),
  BREAKER_HALF_OPEN_MS: int(10, 3_600_000).default(10_000),
  RETRY_MAX: int(0, 10).default(2),
  RETRY_BASE_MS: int(1, 60_000).default(100),
  RETRY_MAX_DELAY_MS: int(1, 60_000).default(1_000),
  RETRY_AFTER_CAP_MS: int(0, 60_000).default(2_000),
  CACHE_MAX_ENTRIES: int(0, 10_000_000).default(10_000),
  CACHE_MAX_BYTES: int(65_536, 2 ** 40).default(64 * 1024 * 1024),
  MAX_MESSAGES_PER_RECORD: int(1, RECORD_BOUNDS_CEILING.maxMessages).default(DEFAULT_RECORD_BOUNDS.maxMessages),
  MAX_UNCONFIRMED_MESSAGES_PER_REPORT: int(0, RECORD_BOUNDS_CEILING.maxUnconfirmed).default(DEFAULT_RECORD_BOUNDS.maxUnconfirmed),
  UNCONFIRMED_MESSAGE_TTL_MS: int(100, 86_400_000).default(DEFAULT_RECORD_BOUNDS.unconfirmedTtlMs),
  CACHE_TTL_FINAL_MS: int(0, 86_400_000).default(600_000),
  CACHE_TTL_MOVING_MS: int(0, 86_400_000).default(5_000),
  CACHE_TTL_NOT_FOUND_MS: int(0, 86_400_000).default(2_000),
  PERSISTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default('allow'),
  PERSISTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
  SUBSCRIPTION_MAX_LIFETIME_MS: int(1_000, 86_400_000).default(3_600_000),
  MAX_SUBSCRIPTIONS_PER_CLIENT: int(1, 1_000_000).default(100),
  SUBSCRIPTION_MAX_WATCHERS: int(1, 10_000_000).default(10_000),
  MAX_WATCHERS_PER_CLIENT: int(1, 10_000_000).default(1_000),
  WATCHER_POLL_MIN_MS: int(10, 3_600_000).default(2_000),
  WATCHER_POLL_MAX_MS: int(10, 3_600_000).default(60_000),
};

/** Every variable's schema, by name: the common ones and each module's own. */
function variableShape() {
  return Object.assign({}, commonEnv, serverEnv, securityEnv, sharedStateEnv, webhookEnv, graphqlWsEnv, upstreamConcurrencyEnv, ...providers.map((p) => p.env)) as typeof commonEnv & typeof serverEnv & typeof upstreamConcurrencyEnv & z.ZodRawShape;
}

/** Every variable the configuration reads (documentation checks compare docs/configuration.md and .env.example with it). */
export function configVariables(): string[] {
  return Object.keys(variableShape());
}

/** The default of every variable that has one, as parsed (the docs' tables of figures are checked against it). */
export function variableDefaults(): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variableShape())) {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[name] = parsed.data;
  }
  return defaults;
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
  /** Upstream lookups one client (API key, JWT subject, address) has in flight at once; past it they wait their turn. */
  lookupsInFlightPerClient: number;
  /** Undefined: readable on a terminal outside production, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** How long in-flight requests may run after SIGTERM/SIGINT before their connections are cut. */
  shutdownGraceMs: number;
  /** Timeouts and connection cap of the HTTP server (src/http/server-options.ts). */
  server: ServerLimits;
  tracing: TracingConfig;
  /** Sandbox only: how long the simulators' documented slow ids wait. */
  sandboxSlowMs: number;
  /** Which operations are accepted: persisted documents (by id), query text, or both. */
  persistedDocuments: PersistedDocumentsConfig;
  upstream: HttpLimits;
  resilience: ResilienceSettings;
  /** Floor and ceiling of each provider's adaptive limit of interactive calls (src/upstream-concurrency.ts); it starts at resilience.bulkheadConcurrency. */
  adaptiveLimit: AdaptiveLimitSettings;
  cache: CacheSettings;
  /** What one stored record may hold: messages, and messages known only from webhooks. */
  records: RecordBounds;
  /** Subscriptions and the watchers behind them (src/subscriptions/). */
  live: LiveSettings;
  /** Per-client socket cap and idle timeout of graphql-ws (src/subscriptions/graphql-ws.ts). */
  graphqlWs: GraphQLWsSettings;
  /** By provider key. */
  providers: Record<string, ProviderSettings<unknown>>;
  /** Client authentication, scopes and request limits (src/security/). */
  security: SecurityConfig;
  /** Redis shared by replicas (src/shared-state/); undefined when REDIS_URL is unset. */
  sharedState: SharedStateConfig | undefined;
  /** Provider webhook endpoints (src/subscriptions/). */
  webhooks: WebhookConfig;
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
  const shape = variableShape();
  // An empty (or blank) variable counts as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = z.object(shape).safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  // Provider checks run even when a value failed above, so every problem is reported at once.
  const values = (parsed.success ? parsed.data : present) as z.infer<z.ZodObject<typeof commonEnv & typeof serverEnv & typeof upstreamConcurrencyEnv>> & Record<string, unknown>;
  const server = serverLimits(values);
  if (parsed.success) problems.push(...serverLimitProblems(server));
  const concurrency = upstreamConcurrency(values);
  if (parsed.success) problems.push(...concurrency.problems);

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
  // The sandbox is for exploring (GraphiQL sends query text), so it never refuses query text.
  if (parsed.success && values.WATCHER_POLL_MIN_MS > values.WATCHER_POLL_MAX_MS) problems.push('WATCHER_POLL_MIN_MS: must not exceed WATCHER_POLL_MAX_MS');
  if (values.PERSISTED_DOCUMENTS === 'require' && mode === 'sandbox') problems.push('PERSISTED_DOCUMENTS: "require" needs live mode; the sandbox accepts any operation');
  const security = securitySettings(values, mode);
  problems.push(...security.problems);
  secrets.push(...security.secrets);
  const sharedState = sharedStateSettings(values);
  problems.push(...sharedState.problems);
  secrets.push(...sharedState.secrets);
  const webhooks = webhookSettings(values);
  secrets.push(...webhooks.secrets);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: values.PORT,
    host: values.HOST ?? (mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
    mode,
    modeSource: values.PROVIDER_MODE ? 'PROVIDER_MODE' : anyCredential ? 'credentials' : 'no credentials',
    maxBatchSize: values.MAX_BATCH_SIZE,
    logLevel: values.LOG_LEVEL,
    lookupConcurrency: values.LOOKUP_CONCURRENCY,
    lookupsInFlightPerClient: values.LOOKUPS_IN_FLIGHT_PER_CLIENT,
    logFormat: values.LOG_FORMAT,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    server,
    tracing: { otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME },
    sandboxSlowMs: values.SANDBOX_SLOW_MS,
    persistedDocuments: { mode: values.PERSISTED_DOCUMENTS, manifestPath: values.PERSISTED_DOCUMENTS_MANIFEST },
    upstream: {
      connections: concurrency.connections,
      headersTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
      bodyTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
      maxBodyBytes: values.UPSTREAM_MAX_BODY_BYTES,
    },
    resilience: {
      requestDeadlineMs: values.REQUEST_DEADLINE_MS,
      attemptTimeoutMs: values.UPSTREAM_ATTEMPT_TIMEOUT_MS,
      bulkheadConcurrency: concurrency.initial,
      bulkheadQueue: values.BULKHEAD_QUEUE,
      pollConcurrency: values.WATCHER_POLL_CONCURRENCY,
      breakerThreshold: values.BREAKER_THRESHOLD,
      breakerHalfOpenMs: values.BREAKER_HALF_OPEN_MS,
      retryMax: values.RETRY_MAX,
      retryBaseMs: values.RETRY_BASE_MS,
      retryMaxDelayMs: values.RETRY_MAX_DELAY_MS,
      retryAfterCapMs: values.RETRY_AFTER_CAP_MS,
    },
    adaptiveLimit: { min: concurrency.min, max: concurrency.max },
    cache: {
      maxEntries: values.CACHE_MAX_ENTRIES,
      maxBytes: values.CACHE_MAX_BYTES,
      finalTtlMs: values.CACHE_TTL_FINAL_MS,
      movingTtlMs: values.CACHE_TTL_MOVING_MS,
      notFoundTtlMs: values.CACHE_TTL_NOT_FOUND_MS,
    },
    records: {
      maxMessages: values.MAX_MESSAGES_PER_RECORD,
      maxUnconfirmed: values.MAX_UNCONFIRMED_MESSAGES_PER_REPORT,
      unconfirmedTtlMs: values.UNCONFIRMED_MESSAGE_TTL_MS,
    },
    live: {
      maxLifetimeMs: values.SUBSCRIPTION_MAX_LIFETIME_MS,
      maxPerClient: values.MAX_SUBSCRIPTIONS_PER_CLIENT,
      maxWatchers: values.SUBSCRIPTION_MAX_WATCHERS,
      maxWatchersPerClient: values.MAX_WATCHERS_PER_CLIENT,
      pollMinMs: values.WATCHER_POLL_MIN_MS,
      pollMaxMs: values.WATCHER_POLL_MAX_MS,
      refuseAnonymous: mode === 'live',
    },
    graphqlWs: graphqlWsSettings(values),
    providers: settings,
    security: security.settings,
    sharedState: sharedState.settings,
    webhooks: webhooks.settings,
    secrets,
  };
}
