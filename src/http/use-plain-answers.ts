import { ROUTES } from './routes.js';
import type { Plugin } from 'graphql-yoga';

/** The stable code of each status yoga answers without a GraphQL body. */
const CODES: Record<number, { code: string; message: string }> = {
  404: { code: 'NOT_FOUND', message: `Not found: GraphQL is served at ${ROUTES.graphql}; ${ROUTES.health}, ${ROUTES.ready} and ${ROUTES.metrics} are the other paths.` },
  406: { code: 'NOT_ACCEPTABLE', message: 'Not acceptable: accept application/graphql-response+json, application/json or text/event-stream.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported media type: send content-type application/json (or a GET with query parameters).' },
};

/** The code a refusal with this status carries, when yoga gave it no body of its own. */
export function codeForStatus(status: number): string | undefined {
  return CODES[status]?.code;
}

/**
 * Yoga answers an unknown path, an unacceptable `accept` and an unknown content type with an
 * empty body, which a client's JSON parsing then trips over. Each gets a small GraphQL-shaped
 * body with a stable `extensions.code`; the status and headers stay as they were.
 */
export function usePlainAnswers(): Plugin {
  return {
    onResponse({ response, setResponse, fetchAPI }) {
      const known = CODES[response.status];
      if (!known || response.headers.get('content-type')) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      headers.delete('content-length');
      const body = JSON.stringify({ errors: [{ message: known.message, extensions: { code: known.code } }] });
      setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
    },
  };
}
