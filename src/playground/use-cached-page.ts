import type { Plugin } from 'graphql-yoga';
import { preferredEncoding } from './accept-encoding.js';
import { matchesEtag, type CompressedPage } from './compressed-page.js';

/**
 * Sends the GraphiQL page from its compressed copy: br or gzip as the client's
 * Accept-Encoding asks (identity without it), with a weak ETag, and 304 for a matching
 * If-None-Match. `no-cache` makes a browser revalidate each load, so a restart with a new
 * page is seen at once while an unchanged page costs a 304.
 *
 * Only the page is touched: yoga answers HTML only for GraphiQL (the landing page is off),
 * so any other answer (GraphQL results, SSE streams, /health, /metrics) passes as it is,
 * uncompressed. That is also why this is not @whatwg-node/server's useContentEncoding,
 * which compresses every response per request and would buffer SSE.
 */
export function useCachedPage(page: () => CompressedPage | undefined): Plugin {
  return {
    // Not an async hook: every answer passes here, and a promise would make yoga wait a tick for each.
    onResponse({ request, response, setResponse, fetchAPI }) {
      const compressed = page();
      if (!compressed || request.method !== 'GET' || !response.headers.get('content-type')?.startsWith('text/html')) return;
      return send(compressed, request, response, setResponse, fetchAPI);
    },
  };
}

async function send(
  compressed: CompressedPage,
  request: Request,
  response: Response,
  setResponse: (response: Response) => void,
  fetchAPI: { Headers: typeof Headers; Response: typeof Response },
): Promise<void> {
  // The other plugins' headers (x-request-id, CORS) stay; length and encoding are ours.
  // Copied one by one: whatwg-node's Headers built from another Headers keeps the names'
  // case ("Content-Type"), and then get('content-type') misses it.
  const headers = new fetchAPI.Headers();
  response.headers.forEach((value, name) => headers.append(name, value));
  headers.set('etag', compressed.etag);
  headers.set('cache-control', 'no-cache');
  headers.set('vary', 'accept-encoding');
  headers.delete('content-length');
  if (matchesEtag(request.headers.get('if-none-match'), compressed.etag)) {
    headers.delete('content-type');
    setResponse(new fetchAPI.Response(null, { status: 304, headers }));
    return;
  }
  const encoding = preferredEncoding(request.headers.get('accept-encoding'));
  const body = await compressed.body(encoding);
  if (encoding !== 'identity') headers.set('content-encoding', encoding);
  headers.set('content-length', String(body.length));
  setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
}
