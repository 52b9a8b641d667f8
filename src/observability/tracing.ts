import { ROOT_CONTEXT, type Context, type TextMapGetter, type TracerProvider } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingConfig {
  /** OTLP/HTTP base URL; tracing is off when undefined. */
  otlpEndpoint: string | undefined;
  serviceName: string;
}

/** A provider exporting over OTLP/HTTP, or undefined when tracing is not configured. */
export function createOtlpTracerProvider(config: TracingConfig): BasicTracerProvider | undefined {
  if (!config.otlpEndpoint) return undefined;
  // As OTEL_EXPORTER_OTLP_ENDPOINT is specified: a base URL, traces under /v1/traces.
  const url = `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
}

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/** The caller's trace context from `traceparent`/`tracestate`, or the root context. */
export function incomingTraceContext(headers: Headers): Context {
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}

export type { TracerProvider };
