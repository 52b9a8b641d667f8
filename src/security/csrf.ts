import { createGraphQLError, type CORSOptions, type Plugin } from 'graphql-yoga';
import { mediaType } from '../http/media-type.js';

/** Yoga's CSRF header, the one our GraphiQL page sends. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';
/** The headers that prove a request was preflighted (a browser cannot add them cross-site without CORS). */
export const CSRF_HEADERS = [CSRF_HEADER, 'apollo-require-preflight'];
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

/**
 * CORS options per request: a listed origin gets the Access-Control-Allow-* headers; any other
 * origin gets none. An OPTIONS preflight is always answered 204 by yoga's CORS handling, so a
 * preflight from an unlisted origin is a plain CORS refusal (the browser sees no allow headers),
 * not the CSRF 403 it would meet if it reached request parsing.
 */
export function corsFor(origins: readonly string[]): (request: Request) => CORSOptions {
  const allowed = new Set(origins);
  const options: CORSOptions = {
    origin: [...origins],
    credentials: false,
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', ...CSRF_HEADERS],
    methods: ['GET', 'POST'],
  };
  return (request) => {
    const origin = request.headers.get('origin');
    return origin !== null && allowed.has(origin) ? { ...options, origin } : false;
  };
}

/**
 * The CSRF rule for WebSocket handshakes (graphql-ws). A browser opens a WebSocket to any site
 * without a preflight or a custom header, and the page reads every answer (no same-origin policy
 * applies), so the header and credential checks above cannot guard it; but a browser always sends
 * `Origin` on the handshake. Accepted: no Origin (routers, Node clients: not a browser), this
 * service's own origin (the Host the browser connected to), or an origin in CORS_ORIGINS, the
 * ones already trusted to call from a browser. Anything else, "null" (sandboxed frames, file://
 * pages) included, is another site's page.
 */
export function webSocketOriginAllowed(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    const page = new URL(origin);
    // The Host header has no scheme (TLS may end at a proxy): read it with the page's, so default ports compare equal.
    return page.host === new URL(`${page.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
