import { ROOT_CONTEXT, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/** The caller's trace context from `traceparent`/`tracestate`, or the root context. */
export function incomingTraceContext(headers: Headers): Context {
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}
