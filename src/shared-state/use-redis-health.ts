import { ROUTES } from '../http/routes.js';
import type { Plugin } from 'graphql-yoga';
import type { RedisState } from './metrics.js';

/**
 * Adds the Redis state to yoga's own /health answer (200 either way: a replica without Redis
 * still serves, on local state). Yoga answers /health before any plugin's onRequest, so the
 * body is set on the way out.
 */
export function useRedisHealth(state: () => RedisState): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status !== 200 || new URL(request.url).pathname !== ROUTES.health) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json');
      setResponse(new fetchAPI.Response(JSON.stringify({ status: 'ok', redis: state() }), { status: 200, headers }));
    },
  };
}
