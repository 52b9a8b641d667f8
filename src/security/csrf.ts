import type { CORSOptions } from 'graphql-yoga';

/** Yoga's CSRF header, the one our GraphiQL page sends. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';
/** The headers that prove a request was preflighted (a browser cannot add them cross-site without CORS). */
export const CSRF_HEADERS = [CSRF_HEADER, 'apollo-require-preflight'];

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
