import { ROUTES } from '../http/routes.js';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/**
 * `/metrics` (Prometheus text) and `/ready` (readiness); yoga itself answers `/health`. Not an
 * async hook: every GraphQL request passes here, and a promise returned would make yoga run the
 * rest of its request hooks asynchronously.
 */
export function useOperationsEndpoints({ metrics, readiness }: { metrics: Metrics; readiness: Readiness }): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === ROUTES.metrics) {
        return metrics.registry.metrics().then((body) => {
          endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': metrics.registry.contentType } }));
        });
      } else if (url.pathname === ROUTES.ready) {
        const ready = readiness.isReady;
        endResponse(
          new fetchAPI.Response(JSON.stringify({ ready, state: readiness.state }), {
            status: ready ? 200 : 503,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }
    },
  };
}
