import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { RecordBounds } from '../domain/record-bounds.js';
import type { Logger } from '../logger.js';
import type { AnyProviderModule } from '../providers/registry.js';
import { StatusEvents, type KnownStatuses } from './status-events.js';
import type { WebhookConfig } from './webhook-config.js';
import { useWebhookEndpoints } from './webhook-endpoint.js';
import { createWebhookMetrics } from './webhook-metrics.js';

/** The webhook endpoints of one app, with their counters on the app's registry. */
export function useWebhooks(deps: {
  config: WebhookConfig;
  records: RecordBounds;
  providers: readonly AnyProviderModule[];
  service: KnownStatuses;
  registry: Registry;
  logger: Logger;
}): Plugin {
  const metrics = createWebhookMetrics(deps.registry);
  return useWebhookEndpoints({
    config: deps.config,
    records: deps.records,
    providers: deps.providers,
    events: new StatusEvents(deps.service, { fetchesPerMinute: deps.config.fetchesPerMinute, fetchSkipped: metrics.fetchSkipped }),
    metrics,
    logger: deps.logger,
  });
}
