import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

/**
 * Yoga's own parsers JSON.parse `variables` and `extensions` of a GET (and of a form POST)
 * unguarded: a malformed value is a SyntaxError, answered 500 and logged as a crash. And they
 * match `application/json` case-sensitively, though media types are case-insensitive
 * (RFC 9110 §8.3.1). These parsers replace them for those requests; the rest is unchanged.
 */

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

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

/** The media type alone, lower case: `APPLICATION/JSON; charset=UTF-8` → `application/json`. */
export function mediaType(contentType: string | null): string | undefined {
  return contentType?.split(',')[0]?.split(';')[0]?.trim().toLowerCase() || undefined;
}

async function parseJsonBody(request: Request): Promise<GraphQLParams> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    throw badRequest('POST body sent invalid JSON.');
  }
  if (body === null || typeof body !== 'object') throw badRequest(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`);
  return body as GraphQLParams;
}

export function useTolerantRequestParsing(): Plugin {
  return {
    onRequestParse({ request, url, setRequestParser }) {
      if (request.method === 'GET') {
        setRequestParser(() => searchParamsToParams(url.searchParams));
        return;
      }
      if (request.method !== 'POST') return;
      const type = mediaType(request.headers.get('content-type'));
      if (type === 'application/x-www-form-urlencoded') {
        setRequestParser(async (req) => searchParamsToParams(new URLSearchParams(await req.text())));
      } else if ((type === 'application/json' || type === 'application/graphql+json') && !/^application\/(graphql\+)?json(;|,|$)/.test(request.headers.get('content-type') ?? '')) {
        // Only the spellings yoga misses: its own parser keeps the exact-case ones.
        setRequestParser(parseJsonBody);
      }
    },
  };
}
