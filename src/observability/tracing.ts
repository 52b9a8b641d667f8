import type { TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from './tracing-settings.js';

/**
 * A provider exporting over OTLP/HTTP, or undefined when tracing is not configured. main.ts
 * imports this module only when an endpoint is set, so a server without tracing loads no SDK.
 */
export function createOtlpTracerProvider(config: TracingSettings): BasicTracerProvider | undefined {
  if (!config.otlpEndpoint) return undefined;
  // As OTEL_EXPORTER_OTLP_ENDPOINT is specified: a base URL, traces under /v1/traces.
  const url = `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
}

export type { TracerProvider };
