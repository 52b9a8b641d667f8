import { z } from 'zod';
import type { AreaSettings, EnvValues } from '../env-values.js';

// Apart from tracing.ts: main.ts imports that one (and the OpenTelemetry SDK) only when an endpoint is set.

/** Variables of tracing (collected by src/config.ts); the names are OpenTelemetry's. */
export const tracingEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('message-status-graph'),
};

export interface TracingSettings {
  /** OTLP/HTTP base URL; tracing is off when undefined. */
  otlpEndpoint: string | undefined;
  serviceName: string;
}

/** From the parsed variables; no two of them conflict. */
export function tracingSettings(values: EnvValues<typeof tracingEnv>): AreaSettings<TracingSettings> {
  return { settings: { otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME }, problems: [] };
}
