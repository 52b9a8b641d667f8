import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { isEncoded, mediaType } from './media-type.js';
import { bodyTooLarge } from './use-body-limit.js';

/**
 * Yoga's own parsers JSON.parse `variables` and `extensions` of a GET (and of a form POST)
 * unguarded: a malformed value is a SyntaxError, answered 500 and logged as a crash. And they
 * match `application/json` case-sensitively, though media types are case-insensitive
 * (RFC 9110 §8.3.1). These parsers replace them for those requests; the rest is unchanged.
 *
 * The body cap (MAX_BODY_BYTES) is use-body-limit.ts's, wrapped around whichever parser is chosen: a parser
 * here never turns its error into another answer, so an over-limit body is a 413 whatever its
 * framing (Content-Length or chunked) or the spelling of its content type.
 */

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
const encoded = () =>
  createGraphQLError('Unsupported media type: the body has a Content-Encoding; send it uncompressed (no Content-Encoding, or identity).', {
    extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } },
  });

function jsonParam(params: URLSearchParams, name: 'variables' | 'extensions'): Record<string, unknown> | undefined {
  const raw = params.get(name);
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // The parser's own message quotes the input back; the name of the parameter is what helps.
    throw badRequest(`the "${name}" parameter is not valid JSON`);
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw badRequest(`the "${name}" parameter must be a JSON object`);
  return (value ?? undefined) as Record<string, unknown> | undefined;
}

function searchParamsToParams(params: URLSearchParams): GraphQLParams {
  return {
    operationName: params.get('operationName') || undefined,
    query: params.get('query') || undefined,
    variables: jsonParam(params, 'variables'),
    extensions: jsonParam(params, 'extensions'),
  };
}

async function parseJsonBody(request: Request): Promise<GraphQLParams> {
  // Outside the try: a failed read is not malformed JSON but the body cap's 413 (or a client gone).
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('POST body sent invalid JSON.');
  }
  if (body === null || typeof body !== 'object') throw badRequest(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`);
  return body as GraphQLParams;
}

/**
 * Whether a GET's body, which Node's adapter leaves unread (a Request for GET has none), is over
 * `maxBytes`: it is counted and dropped, so a chunked GET body meets the cap as a declared one
 * (yoga refuses a Content-Length over it) and a POST body do. Only a GET that declares a body pays.
 */
function getBodyTooLarge(req: IncomingMessage | undefined, maxBytes: number): Promise<boolean> {
  if (!req?.on || (req.headers['transfer-encoding'] === undefined && !(Number(req.headers['content-length']) > 0)) || req.complete) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    const done = (tooLarge: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onEnd).off('close', onEnd);
      if (tooLarge) req.pause();
      resolve(tooLarge);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(true);
    };
    const onEnd = () => done(false);
    req.on('data', onData).on('end', onEnd).on('error', onEnd).on('close', onEnd);
  });
}

/** `a/b; charset="utf-8"` → `a/b; charset=utf-8` (a quoted value holds no comma that matters here). */
function unquoteParameters(header: string): string {
  return header.replace(/=\s*"([^"\\]*)"/g, '=$1');
}

export function useTolerantRequestParsing(maxBodyBytes: number): Plugin {
  return {
    onRequest({ request }) {
      // Yoga's GraphiQL check reads `text/html` case-sensitively, and its accept parser misses a
      // quoted `charset="utf-8"` (RFC 9110 §5.6.6: the same value). Only a header that needs it is rewritten.
      const accept = request.headers.get('accept');
      if (accept && /[A-Z"]/.test(accept)) request.headers.set('accept', unquoteParameters(accept.toLowerCase()));
    },
    onRequestParse({ request, url, setRequestParser, serverContext }) {
      // Before any body is read, and before the body cap counts bytes that would be inflated.
      if (isEncoded(request.headers.get('content-encoding'))) throw encoded();
      if (request.method === 'GET') {
        setRequestParser(async () => {
          if (await getBodyTooLarge((serverContext as { req?: IncomingMessage }).req, maxBodyBytes)) throw bodyTooLarge(maxBodyBytes);
          return searchParamsToParams(url.searchParams);
        });
        return;
      }
      if (request.method !== 'POST') return;
      const contentType = request.headers.get('content-type') ?? '';
      const type = mediaType(contentType);
      if (type === 'application/x-www-form-urlencoded') {
        setRequestParser(async (req) => searchParamsToParams(new URLSearchParams(await req.text())));
      } else if ((type === 'application/json' || type === 'application/graphql+json') && !/^application\/(graphql\+)?json(;|,|$)/.test(contentType)) {
        // Only the spellings yoga misses: its own parser keeps the exact-case ones.
        setRequestParser(parseJsonBody);
      } else if (type === 'application/graphql' && !/^application\/graphql(;|,|$)/.test(contentType)) {
        setRequestParser(async (req) => ({ query: await req.text() }));
      }
    },
  };
}
