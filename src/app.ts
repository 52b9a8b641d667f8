import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContext, type GraphQLContext } from './context.js';
import { exampleTabs } from './graphql/examples.js';
import { schema } from './graphql/schema.js';
import { createLogger, type Logger } from './logger.js';
import { providers } from './providers/registry.js';
import { StatusService } from './status-service.js';

export interface AppDeps {
  logger?: Logger;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, GraphQLContext>;
  service: StatusService;
  logger: Logger;
  /** Closes the provider pools. */
  close(): Promise<void>;
}

/** Builds the service; serves nothing (see main.ts). */
export function createApp(config: Config, deps: AppDeps = {}): App {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets: config.secrets });
  const clients = new Map(providers.map((p) => [p.key, p.createClient(config.providers[p.key]!, config.upstream)]));
  const service = new StatusService(clients, { resilience: config.resilience, cache: config.cache });

  const yoga = createYoga<Record<string, never>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: logger,
    maskedErrors: true,
    context: () =>
      createContext({
        service,
        maxBatchSize: config.maxBatchSize,
        lookupConcurrency: config.lookupConcurrency,
        requestDeadlineMs: config.resilience.requestDeadlineMs,
      }),
    graphiql: {
      title: 'message-status-graph',
      defaultTabs: exampleTabs(),
    },
  });

  return { yoga, service, logger, close: () => service.close() };
}
