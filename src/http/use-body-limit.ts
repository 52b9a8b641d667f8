import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * The request body cap (MAX_BODY_BYTES), in place of yoga's `maxRequestBodySize` (set to false).
 * Yoga's piped every body through a counting TransformStream into a new Request, whatever its
 * framing: about 16 KiB allocated per request (of 154 for a cached answer, bench/alloc.ts).
 * A body Node's HTTP parser frames by Content-Length is exactly that long (the parser refuses
 * a request that also says chunked), so the header is all there is to check; only a chunked
 * body, or one handed over in-process (yoga.fetch), is counted as it is read.
 *
 * The same answers as yoga's: 400 for a Content-Length that is not one number, 413 over the cap.
 * Registered after every plugin that chooses a request parser, as yoga's was.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI, serverContext }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) throw invalidContentLength();
        if (Number(declared) > maxBytes) throw bodyTooLarge(maxBytes);
        // Node's strict parser refuses Content-Length beside Transfer-Encoding; a lenient one
        // (--insecure-http-parser) frames such a body as chunked, so only then is it counted.
        if ((serverContext as { req?: IncomingMessage } | undefined)?.req && !request.headers.has('transfer-encoding')) return;
      }
      if (!requestParser || request.body === null) return;
      setRequestParser((req) => requestParser(counted(req, maxBytes, fetchAPI)));
    },
  };
}

type FetchAPI = { Request: typeof Request; TransformStream: typeof TransformStream };

/** The request with a body that fails with a 413 once more than `maxBytes` have been read. */
function counted(request: Request, maxBytes: number, fetchAPI: FetchAPI): Request {
  const body = request.body;
  if (!body) return request;
  // A native stream (an in-process Request) takes a native TransformStream, whatwg-node's its own.
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) controller.error(bodyTooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body: limited, duplex: 'half' } as RequestInit);
}

/** The 413 of a body over the cap, however it was found over (this plugin, or a GET body counted by use-tolerant-request-parsing.ts). */
export const bodyTooLarge = (maxBytes: number) =>
  createGraphQLError(`Request body too large: the limit is ${maxBytes} bytes`, { extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } } });
const invalidContentLength = () => createGraphQLError('Content-Length header is invalid.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
