import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { UpstreamObserver } from '../providers/http.js';
import type { Metrics } from './metrics.js';
import { isRequestScope } from './request-scope.js';

/** Everything that listens to provider requests: metrics, the request's call count, a span. */
export function upstreamObserver(metrics: Metrics, tracer: Tracer | undefined): UpstreamObserver {
  return {
    onRequest(event) {
      metrics.upstream(event);
      // The request that started the call (a shared call counts for its starter only).
      const scope = isRequestScope(event.trace) ? event.trace : undefined;
      if (scope) scope.upstreamCalls += 1;
      if (!tracer) return;
      // Recorded after the fact from the event's timestamps, so ProviderHttp needs no span API.
      const span = tracer.startSpan(
        `${event.provider} GET`,
        {
          kind: SpanKind.CLIENT,
          startTime: event.startedAt,
          attributes: {
            'provider.name': event.provider,
            'provider.outcome': event.outcome,
            ...(event.status !== undefined && { 'http.response.status_code': event.status }),
          },
        },
        scope?.traceContext,
      );
      if (event.outcome !== 'ok' && event.outcome !== 'not_found') span.setStatus({ code: SpanStatusCode.ERROR, message: event.outcome });
      span.end(event.startedAt + event.durationMs);
    },
  };
}
