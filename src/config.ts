import { z } from 'zod';
import { int, type AreaSettings, type EnvValues } from './env-values.js';
import { serverEnv, serverSettings, type ServerLimits } from './http/server-options.js';
import { lookupEnv, lookupSettings, type LookupSettings } from './lookup/settings.js';
import { tracingEnv, tracingSettings, type TracingSettings } from './observability/tracing-settings.js';
import { persistedEnv, persistedSettings, type PersistedDocumentsSettings } from './persisted/settings.js';
import type { HttpLimits } from './providers/http.js';
import type { AnyProviderModule, ProviderSettings } from './providers/provider.js';
import { providerSharedEnv, providerSharedSettings, type ProviderSharedSettings } from './providers/settings.js';
import { securityEnv, securitySettings, type SecuritySettings } from './security/settings.js';
import { sharedStateEnv, sharedStateSettings, type SharedStateSettings } from './shared-state/settings.js';
import { graphqlWsEnv, graphqlWsSettings, type GraphQLWsSettings } from './subscriptions/graphql-ws-settings.js';
import { liveEnv, liveSettings, type LiveSettings } from './subscriptions/settings.js';
import { webhookEnv, webhookSettings, type WebhookSettings } from './webhooks/settings.js';

/** Variables of the process itself: where it listens, its mode, its logs, its shutdown. Every other variable belongs to an area (areaShapes). */
const processEnv = {
  PORT: int(0, 65535).default(4000),
  // Unset: loopback in sandbox mode (its webhook tokens are public), every interface in live mode.
  HOST: z.string().min(1).optional(),
  PROVIDER_MODE: z.enum(['sandbox', 'live']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  // main.ts starts the simulators in sandbox mode, so their delay is the process's to read.
  SANDBOX_SLOW_MS: int(0, 600_000).default(15_000),
};

/** Every area's variables, the webhook endpoints' (a token per provider) and each provider's own; loadConfig parses each. */
function areaShapes(providers: readonly AnyProviderModule[]): z.ZodRawShape[] {
  return [processEnv, serverEnv, lookupEnv, providerSharedEnv, liveEnv, graphqlWsEnv, persistedEnv, tracingEnv, securityEnv, sharedStateEnv, webhookEnv(providers), ...providers.map((p) => p.env)];
}

/** Every variable's schema, by name. */
function variableShape(providers: readonly AnyProviderModule[]): z.ZodRawShape {
  return Object.assign({}, ...areaShapes(providers)) as z.ZodRawShape;
}

/** Every variable the configuration reads with these providers (documentation checks compare docs/configuration.md and .env.example with it). */
export function configVariables(providers: readonly AnyProviderModule[]): string[] {
  return Object.keys(variableShape(providers));
}

/** The default of every variable that has one, as parsed (the docs' tables of figures are checked against it). */
export function variableDefaults(providers: readonly AnyProviderModule[]): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variableShape(providers))) {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[name] = parsed.data;
  }
  return defaults;
}

export type ProviderMode = 'sandbox' | 'live';

/** What the process reads itself, and each area's settings (the lookup path's at the top, as its readers expect). */
export interface Config extends LookupSettings, Omit<ProviderSharedSettings, 'upstream'> {
  /** Every provider's HTTP limits: the providers' area's timeouts and cap, with the sockets the lookup path's concurrency needs. */
  upstream: HttpLimits;
  port: number;
  host: string;
  mode: ProviderMode;
  /** Why this mode: set explicitly, or chosen from the credentials present. */
  modeSource: 'PROVIDER_MODE' | 'credentials' | 'no credentials';
  logLevel: string;
  /** Undefined: readable on a terminal outside production, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** How long in-flight requests may run after SIGTERM/SIGINT before their connections are cut. */
  shutdownGraceMs: number;
  /** Sandbox only: how long the simulators' documented slow ids wait. */
  sandboxSlowMs: number;
  /** Timeouts and connection cap of the HTTP server (src/http/server-options.ts). */
  server: ServerLimits;
  tracing: TracingSettings;
  /** Which operations are accepted: persisted documents (by id), query text, or both. */
  persistedDocuments: PersistedDocumentsSettings;
  /** Subscriptions and the watchers behind them (src/subscriptions/). */
  live: LiveSettings;
  /** Per-client socket cap and idle timeout of graphql-ws (src/subscriptions/graphql-ws.ts). */
  graphqlWs: GraphQLWsSettings;
  /** By provider key. */
  providers: Record<string, ProviderSettings<unknown>>;
  /** Client authentication, scopes and request limits (src/security/). */
  security: SecuritySettings;
  /** Redis shared by replicas (src/shared-state/); undefined when REDIS_URL is unset. */
  sharedState: SharedStateSettings | undefined;
  /** Provider webhook endpoints (src/webhooks/). */
  webhooks: WebhookSettings;
  /** Every secret value configured, for redaction. */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once, for the providers served (main.ts passes the real
 * ones, src/providers/registry.ts). Each area parses its own variables and builds its own
 * settings; every problem of every area is reported together in one ConfigError.
 */
export function loadConfig(env: Record<string, string | undefined>, providers: readonly AnyProviderModule[]): Config {
  // An empty (or blank) variable counts as unset, as in most deployment tools.
  const present: Record<string, unknown> = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parseProblems: string[] = [];
  /** One area's variables as parsed, or undefined when one of them failed (its problem is reported). */
  const parse = <Shape extends z.ZodRawShape>(shape: Shape): EnvValues<Shape> | undefined => {
    const parsed = z.object(shape).safeParse(present);
    if (parsed.success) return parsed.data as EnvValues<Shape>;
    parseProblems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
    return undefined;
  };
  const processValues = parse(processEnv);
  const serverValues = parse(serverEnv);
  const lookupValues = parse(lookupEnv);
  const sharedValues = parse(providerSharedEnv);
  const liveValues = parse(liveEnv);
  const graphqlWsValues = parse(graphqlWsEnv);
  const persistedValues = parse(persistedEnv);
  const tracingValues = parse(tracingEnv);
  const securityValues = parse(securityEnv);
  const sharedStateValues = parse(sharedStateEnv);
  const webhookValues = parse(webhookEnv(providers));
  const providerValues = providers.map((p) => parse(p.env));

  const problems: string[] = [];
  const secrets: string[] = [];
  const take = <Settings,>(area: AreaSettings<Settings>): Settings => {
    problems.push(...area.problems);
    secrets.push(...(area.secrets ?? []));
    return area.settings;
  };
  // Most areas are built from their parsed values only: when one failed, its problem says enough.
  const typed = <Values, Settings>(values: Values | undefined, build: (values: Values) => AreaSettings<Settings>): Settings | undefined => (values ? take(build(values)) : undefined);

  const server = typed(serverValues, serverSettings);
  // Providers, persisted documents, security, Redis and webhooks check raw values too (those of an
  // area whose variable failed to parse), so their problems come with the parse problems.
  const byProvider: Record<string, ProviderSettings<unknown>> = {};
  providers.forEach((provider, i) => {
    const result = provider.settings(providerValues[i] ?? present);
    byProvider[provider.key] = take({ ...result, secrets: result.settings.credentials ? provider.secrets(result.settings.credentials) : [] });
  });
  const anyCredential = Object.values(byProvider).some((s) => s.credentials !== undefined);
  const mode = ((processValues ?? present).PROVIDER_MODE as ProviderMode | undefined) ?? (anyCredential ? 'live' : 'sandbox');
  const lookup = typed(lookupValues, lookupSettings);
  const shared = typed(sharedValues, providerSharedSettings);
  const live = typed(liveValues, (values) => liveSettings(values, mode));
  const graphqlWs = typed(graphqlWsValues, graphqlWsSettings);
  const tracing = typed(tracingValues, tracingSettings);
  const persistedDocuments = take(persistedSettings(persistedValues ?? present, mode));
  const security = take(securitySettings(securityValues ?? present, mode));
  const sharedState = take(sharedStateSettings(sharedStateValues ?? present));
  const webhooks = take(webhookSettings(webhookValues ?? present, providers));

  if (!processValues || !server || !lookup || !shared || !live || !graphqlWs || !tracing || parseProblems.length > 0 || problems.length > 0) {
    throw new ConfigError([...parseProblems, ...problems]);
  }
  return {
    port: processValues.PORT,
    host: processValues.HOST ?? (mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
    mode,
    modeSource: processValues.PROVIDER_MODE ? 'PROVIDER_MODE' : anyCredential ? 'credentials' : 'no credentials',
    logLevel: processValues.LOG_LEVEL,
    logFormat: processValues.LOG_FORMAT,
    shutdownGraceMs: processValues.SHUTDOWN_GRACE_MS,
    sandboxSlowMs: processValues.SANDBOX_SLOW_MS,
    server,
    ...lookup,
    ...shared,
    upstream: { ...shared.upstream, connections: lookup.upstreamConnections },
    tracing,
    persistedDocuments,
    live,
    graphqlWs,
    providers: byProvider,
    security,
    sharedState,
    webhooks,
    secrets,
  };
}
