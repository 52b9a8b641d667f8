import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { mediaType } from '../http/media-type.js';
import { CSRF_HEADERS } from './csrf.js';

// Requests a browser sends cross-site without a preflight: a GET, a form, text/plain (the fetch spec's "simple" requests).
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * Whether a request carries one of our credentials. Like the CSRF headers, neither can be added
 * to a cross-site request without a preflight (CORS refuses unlisted origins), and a browser never
 * attaches either by itself: no cookie or other ambient credential reaches this service. The one
 * credential a browser does attach on its own is HTTP Basic/Digest/Negotiate in `authorization`,
 * so only the Bearer scheme counts. A wrong credential is still refused (401) by authentication.
 */
function carriesCredential(headers: Headers): boolean {
  if (headers.has('x-api-key')) return true;
  return /^bearer\s/i.test(headers.get('authorization') ?? '');
}

/**
 * CSRF prevention as @graphql-yoga/plugin-csrf-prevention does it, with a stable code and a
 * message naming what to send. What it protects against is a page on another site making a
 * visitor's browser run an operation here (starting watchers and upstream calls on the service's
 * account). A request carrying a credential is exempt, see carriesCredential: routers subscribing
 * over an SSE GET with their key or a user's token need nothing more. It runs when the request is
 * parsed, so an OPTIONS preflight (answered earlier, by CORS) never meets it.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      const type = mediaType(request.headers.get('content-type'));
      if (type !== undefined && !SIMPLE_TYPES.has(type)) return;
      if (CSRF_HEADERS.some((name) => request.headers.has(name)) || carriesCredential(request.headers)) return;
      throw createGraphQLError(
        `Required CSRF header(s) not present: a GET, form or text/plain request must carry ${CSRF_HEADERS.join(' or ')}, or a credential (x-api-key or authorization: Bearer <token>)`,
        { extensions: { code: 'CSRF_HEADER_MISSING', http: { status: 403 } } },
      );
    },
  };
}
