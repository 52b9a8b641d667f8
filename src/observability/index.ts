import { ROUTES } from '../http/routes.js';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { UpstreamObserver } from '../providers/http.js';
import { useOperationsEndpoints } from './use-operations-endpoints.js';
import { operationLabels } from './labels.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Readiness } from './readiness.js';
import { useRequestObservability } from './use-request-observability.js';
import type { RequestScope } from './request-scope.js';
import { upstreamObserver } from './upstream.js';

export interface ObservabilityDeps {
  logger: Logger;
  /** Spans go there; none: tracing off. main.ts loads the OTLP exporter only when OTEL_EXPORTER_OTLP_ENDPOINT is set (tracing.ts). */
  tracerProvider?: TracerProvider;
  readiness?: Readiness;
  /** Operation names that are always metric labels (the manifest's, the project's); see labels.ts. */
  knownOperationNames?: readonly string[];
}

export interface Observability {
  metrics: Metrics;
  readiness: Readiness;
  tracer: Tracer | undefined;
  upstream: UpstreamObserver;
  plugins: Plugin[];
  /** The scope of a request being handled: it travels with the upstream calls the request starts. */
  scopeOf(request: Request): RequestScope | undefined;
}

/** Metrics, tracing, request logging and the operations endpoints of one app instance. */
export function createObservability(deps: ObservabilityDeps): Observability {
  const metrics = createMetrics();
  const readiness = deps.readiness ?? new Readiness();
  const tracer = deps.tracerProvider?.getTracer('message-status-graph');
  const requests = useRequestObservability({ logger: deps.logger, metrics, tracer, labels: operationLabels(deps.knownOperationNames ?? []), graphqlEndpoint: ROUTES.graphql });
  return {
    metrics,
    readiness,
    tracer,
    upstream: upstreamObserver(metrics, tracer),
    plugins: [useOperationsEndpoints({ metrics, readiness }), requests.plugin],
    scopeOf: requests.scopeOf,
  };
}
