import { useApolloInlineTrace } from '@graphql-yoga/plugin-apollo-inline-trace';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContext, type GraphQLContext } from './context.js';
import { exampleTabs } from './graphql/examples.js';
import { schema } from './graphql/schema.js';
import { useStableErrorCodes } from './http/error-codes.js';
import { usePlainAnswers } from './http/plain-answers.js';
import { useTolerantRequestParsing } from './http/request-parsing.js';
import { createLogger, type Logger } from './logger.js';
import { createObservability, type ObservabilityDeps } from './observability/index.js';
import type { Metrics } from './observability/metrics.js';
import type { Readiness } from './observability/readiness.js';
import { knownOperationNames } from './persisted/operation-names.js';
import { usePersistedDocuments } from './persisted/persisted-documents.js';
import { offlineGraphiQL, playgroundOptions } from './playground/graphiql.js';
import { providers } from './providers/registry.js';
import { createSecurity } from './security/index.js';
import { StatusService } from './status-service.js';

export interface AppDeps extends Partial<ObservabilityDeps> {
  logger?: Logger;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, GraphQLContext>;
  service: StatusService;
  logger: Logger;
  metrics: Metrics;
  /** Answered at /ready; main.ts marks it ready after listen and stopping on shutdown. */
  readiness: Readiness;
  /** Closes the provider pools and flushes traces. */
  close(): Promise<void>;
}

/** Builds the service; serves nothing (see main.ts). */
export function createApp(config: Config, deps: AppDeps = {}): App {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets: config.secrets });
  const observability = createObservability(config, { knownOperationNames: knownOperationNames(config.persistedDocuments), ...deps, logger });
  const clients = new Map(providers.map((p) => [p.key, p.createClient(config.providers[p.key]!, config.upstream, observability.upstream)]));
  const service = new StatusService(clients, { resilience: config.resilience, cache: config.cache, metrics: observability.metrics });
  const security = createSecurity(config);

  const yoga = createYoga<Record<string, never>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: logger,
    maskedErrors: security.maskedErrors,
    cors: security.cors,
    maxRequestBodySize: security.maxRequestBodySize,
    // Federated tracing: a router that sends `apollo-federation-include-trace: ftv1` (the
    // plugin's default test) gets this subgraph's trace in `extensions.ftv1`; other requests
    // pay nothing. Errors reach the trace already masked by yoga.
    plugins: [useTolerantRequestParsing(), usePlainAnswers(), useStableErrorCodes(), ...observability.plugins, ...security.plugins, useApolloInlineTrace(), ...usePersistedDocuments(config.persistedDocuments)],
    context: () =>
      createContext({
        service,
        maxBatchSize: config.maxBatchSize,
        lookupConcurrency: config.lookupConcurrency,
        requestDeadlineMs: config.resilience.requestDeadlineMs,
      }),
    graphiql: security.graphiql && {
      title: 'message-status-graph',
      ...playgroundOptions(exampleTabs()),
    },
    renderGraphiQL: offlineGraphiQL(),
  });

  const close = async () => {
    await service.close();
    await observability.close();
  };
  return { yoga, service, logger, metrics: observability.metrics, readiness: observability.readiness, close };
}
