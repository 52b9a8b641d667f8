import { useApolloInlineTrace } from '@graphql-yoga/plugin-apollo-inline-trace';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import type { GraphQLContext } from './context.js';
import { createContext } from './create-context.js';
import { snapshotResolvers, useCompiledExecution } from './graphql/use-compiled-execution.js';
import { buildSchema } from './graphql/schema.js';
import { useValidationCache } from './graphql/use-validation-cache.js';
import { useStableErrorCodes } from './http/use-stable-error-codes.js';
import { usePlainAnswers } from './http/use-plain-answers.js';
import { boundedDocumentCaches } from './http/document-cache.js';
import { useTolerantRequestParsing } from './http/use-tolerant-request-parsing.js';
import { useUnsentStreamsEnd } from './http/use-unsent-streams-end.js';
import { useBoundedUnreadBody } from './http/use-bounded-unread-body.js';
import { useBodyLimit } from './http/use-body-limit.js';
import { fuseRequestHooks } from './http/fuse-hooks.js';
import { ROUTES } from './http/routes.js';
import { useWebhooks } from './webhooks/index.js';
import { LiveSubscriptions } from './subscriptions/subscriptions.js';
import { WatcherRegistry } from './subscriptions/watchers.js';
import { createLogger, type Logger } from './logger.js';
import { ClientLookupSlots } from './lookup/client-slots.js';
import { unconfiguredClient } from './lookup/not-configured.js';
import { KeptAnswers } from './lookup/kept-answers.js';
import { StatusService, type ProviderRules } from './lookup/status-service.js';
import { createObservability, type ObservabilityDeps } from './observability/index.js';
import type { Metrics } from './observability/metrics.js';
import type { Readiness } from './observability/readiness.js';
import { knownOperationNames } from './persisted/operation-names.js';
import { usePersistedDocuments } from './persisted/use-persisted-documents.js';
import { exampleTabs } from './playground/examples.js';
import { offlineGraphiQL, playgroundOptions } from './playground/graphiql.js';
import { providerDirectory } from './providers/directory.js';
import type { AnyProviderModule } from './providers/provider.js';
import { providers as defaultProviders } from './providers/registry.js';
import { createSecurity } from './security/index.js';
import type { Caller } from './security/scopes.js';
import { redisLookupTier } from './shared-state/lookup-tier.js';
import { resyncOnPubSubResume } from './shared-state/resync.js';
import { bridgeStatusChanges } from './shared-state/status-bridge.js';
import { createSharedState, type SharedState } from './shared-state/index.js';
import type { RecordMerge } from './domain/status-merge.js';

export interface AppDeps extends Partial<ObservabilityDeps> {
  logger?: Logger;
  /** The providers served, in schema order (default: the real ones, providers/registry.ts); each needs its settings in `config.providers`. */
  providers?: readonly AnyProviderModule[];
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, GraphQLContext>;
  /** The schema built for this app's providers (graphql-ws serves it too). */
  schema: GraphQLSchema;
  service: StatusService;
  /** The Redis tier when REDIS_URL is set (cache tier, single flight, status events, rate limits). */
  sharedState: SharedState | undefined;
  /** The shared watchers behind every subscription (one per watched message). */
  watchers: WatcherRegistry;
  /** Open subscriptions and their admission. */
  live: LiveSubscriptions;
  /** The caller the security layer authenticated for a request (graphql-ws counts sockets per caller with it). */
  callerOf(request: Request): Caller | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Answered at /ready; main.ts marks it ready after listen and stopping on shutdown. */
  readiness: Readiness;
  /** Stops the watchers and closes the provider pools. */
  close(): Promise<void>;
}

/** A federation router's request for this subgraph's trace (the inline trace plugin's default test). */
const wantsTrace = (request: Request) => request.headers.get('apollo-federation-include-trace') === 'ftv1';

/** Builds the service; serves nothing (see main.ts). */
export function createApp(config: Config, deps: AppDeps = {}): App {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets: config.secrets });
  const providers = deps.providers ?? defaultProviders;
  const directory = providerDirectory(providers);
  const schema = buildSchema(providers);
  // Before yoga's plugins wrap them (the inline trace wraps every field): compiled queries call these,
  // so a plugin added later that wraps resolvers for every request must be reconciled there.
  const resolvers = snapshotResolvers(schema);
  const observability = createObservability({ knownOperationNames: knownOperationNames(config.persistedDocuments), ...deps, logger });
  const clients = new Map(
    providers.map((p) => {
      const settings = config.providers[p.key];
      const credentials = settings?.credentials;
      return [p.key, settings && credentials ? p.createClient({ baseUrl: settings.baseUrl, credentials }, config.upstream, observability.upstream, config.records) : unconfiguredClient(p.key, p.credentialVariables)];
    }),
  );
  const rules = new Map<string, ProviderRules>(providers.map((p) => [p.key, { parseId: p.parseId, mergeRecords: p.createMerge?.(config.records) }]));
  const sharedState =
    config.sharedState &&
    createSharedState(config.sharedState, { logger, registry: observability.metrics.registry, records: config.records, maxKeptParts: config.webhooks.maxKept, providers });
  // What webhooks said that the providers have not shown yet: never dropped by the cache (issue 23).
  const kept = new KeptAnswers(config.webhooks.maxKept);
  const service = new StatusService(clients, {
    resilience: config.resilience,
    adaptiveLimit: config.adaptiveLimit,
    cache: config.cache,
    rules,
    metrics: observability.metrics,
    log: logger,
    shared: sharedState && redisLookupTier(sharedState.cache, sharedState.singleFlight, config.sharedState!),
    kept,
    keptShared: sharedState && ((key) => sharedState.keptJournal.read(key)),
  });
  const security = createSecurity(config.security, config.mode, sharedState?.buckets);
  const graphiqlPage = offlineGraphiQL();
  const merges = new Map<string, RecordMerge>();
  for (const [key, rule] of rules) if (rule.mergeRecords) merges.set(key, rule.mergeRecords);
  const webhooks = useWebhooks({
    config: config.webhooks,
    records: config.records,
    providers,
    service,
    kept,
    journal: sharedState?.keptJournal,
    merges,
    movingTtlMs: config.cache.movingTtlMs,
    requestDeadlineMs: config.resilience.requestDeadlineMs,
    registry: observability.metrics.registry,
    logger,
  });
  const watchers = new WatcherRegistry(service, config.live, observability.metrics, sharedState?.leases);
  const unbridge = sharedState && bridgeStatusChanges(service, sharedState.statusEvents, sharedState.entries, sharedState.cache, (provider, id) => watchers.subscribers(provider, id) > 0);
  const live = new LiveSubscriptions(watchers, config.live, observability.metrics);
  const clientSlots = new ClientLookupSlots(config.lookupsInFlightPerClient);
  // What pub/sub missed while it was away is read back from Redis for every message held here, watched or only
  // cached (a cached answer would otherwise stay behind for its lifetime), and the shared cache sends again what it owes.
  const unresync = sharedState && resyncOnPubSubResume(sharedState.connection, sharedState.cache, service, () => heldOrWatched(service.held(), watchers.watching()));

  const yoga = createYoga<Record<string, never>, GraphQLContext>({
    schema,
    graphqlEndpoint: ROUTES.graphql,
    healthCheckEndpoint: ROUTES.health,
    landingPage: false,
    logging: logger,
    maskedErrors: security.maskedErrors,
    cors: security.cors,
    // The body cap is useBodyLimit's (last in the list below, where yoga put its own).
    maxRequestBodySize: false,
    // No uploads here; yoga's multipart parser would also answer an over-limit body 400, not 413.
    multipart: false,
    // Validation results are cached by useValidationCache (below), cheaper per request than yoga's.
    parserAndValidationCache: { ...boundedDocumentCaches(), validationCache: false },
    // Federated tracing: a router that sends `apollo-federation-include-trace: ftv1` (the
    // plugin's default test) gets this subgraph's trace in `extensions.ftv1`; other requests
    // run their compiled query on the resolvers as built, not the plugin's per-field wrappers
    // (use-compiled-execution.ts). Errors reach the trace already masked by yoga.
    plugins: [
      // One set of request hooks for these (fuse-hooks.ts): they are next to each other here.
      ...fuseRequestHooks([
        useTolerantRequestParsing(security.maxRequestBodySize),
        useBoundedUnreadBody(),
        usePlainAnswers(),
        useStableErrorCodes(),
        ...observability.plugins,
        webhooks.plugin,
        ...security.plugins,
      ]),
      useApolloInlineTrace({ ignoreRequest: (request) => !wantsTrace(request) }),
      ...usePersistedDocuments(config.persistedDocuments),
      useCompiledExecution({ resolvers, wrapped: wantsTrace }),
      ...(sharedState ? [sharedState.healthPlugin] : []),
      graphiqlPage.plugin,
      useUnsentStreamsEnd(),
      // After every plugin that adds a validation rule.
      useValidationCache(),
      useBodyLimit(security.maxRequestBodySize),
    ],
    context: ({ request }) => {
      const caller = security.callerOf(request);
      // Authentication runs on every GraphQL request before its context is built.
      if (!caller) throw new Error('request reached execution without authentication');
      const scope = observability.scopeOf(request);
      return createContext({
        service,
        providers: directory,
        live,
        request,
        caller,
        guard: security.lookupGuard(caller),
        trace: scope,
        items: scope?.items,
        maxBatchSize: config.maxBatchSize,
        maxEntityRepresentations: config.security.answers.maxEntityRepresentations,
        lookupConcurrency: config.lookupConcurrency,
        clientSlots,
        requestDeadlineMs: config.resilience.requestDeadlineMs,
      });
    },
    graphiql: security.graphiql && {
      title: 'message-status-graph',
      ...playgroundOptions(exampleTabs(providers, config.security.anonymousScopes)),
    },
    renderGraphiQL: graphiqlPage.render,
  });

  const close = async () => {
    webhooks.close();
    await watchers.close();
    await service.close();
    unbridge?.();
    unresync?.();
    await sharedState?.close();
  };
  return { yoga, schema, service, sharedState, watchers, live, callerOf: security.callerOf, logger, metrics: observability.metrics, readiness: observability.readiness, close };
}

/** Cached and watched messages, each once (a watched message may have left the cache). */
function heldOrWatched(held: { provider: string; id: string }[], watched: { provider: string; id: string }[]): { provider: string; id: string }[] {
  const seen = new Map<string, { provider: string; id: string }>();
  for (const one of [...watched, ...held]) seen.set(`${one.provider}:${one.id}`, one);
  return [...seen.values()];
}
