import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { UpstreamObserver } from '../providers/http.js';
import { useOperationsEndpoints } from './endpoints-plugin.js';
import { operationLabels } from './labels.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Readiness } from './readiness.js';
import { useRequestObservability } from './request-plugin.js';
import { createOtlpTracerProvider } from './tracing.js';
import { upstreamObserver } from './upstream.js';

export interface ObservabilityDeps {
  logger: Logger;
  /** Overrides OTEL_EXPORTER_OTLP_ENDPOINT (tests pass one with an in-memory exporter). */
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
  /** Flushes spans of a tracer provider created here. */
  close(): Promise<void>;
}

/** Metrics, tracing, request logging and the operations endpoints of one app instance. */
export function createObservability(config: Config, deps: ObservabilityDeps): Observability {
  const metrics = createMetrics();
  const readiness = deps.readiness ?? new Readiness();
  const owned = deps.tracerProvider ? undefined : createOtlpTracerProvider(config.tracing);
  const tracer = (deps.tracerProvider ?? owned)?.getTracer('message-status-graph');
  return {
    metrics,
    readiness,
    tracer,
    upstream: upstreamObserver(metrics, tracer),
    plugins: [useOperationsEndpoints({ metrics, readiness }), useRequestObservability({ logger: deps.logger, metrics, tracer, labels: operationLabels(deps.knownOperationNames ?? []), graphqlEndpoint: '/graphql' })],
    close: async () => void (await owned?.shutdown()),
  };
}
