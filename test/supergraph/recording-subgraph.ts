import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Harness } from '../helpers/harness.js';
import { listen, type RunningSubgraph } from './outbound-subgraph.js';

/** One request a gateway sent to this subgraph. */
export interface SubgraphCall {
  method: string;
  headers: IncomingHttpHeaders;
  /** The GraphQL document, from the POST body or the GET query string. */
  query: string;
  /** How many `_entities` representations it carried. */
  representations: number;
  /** The HTTP status of the answer. */
  status?: number;
  /** The answer's body, when it was not an event stream. */
  answer?: string;
}

/**
 * The harness's app on a loopback port behind a pass-through that records every request (method,
 * headers, document) before handing it to yoga.fetch, and streams the answer back as it comes
 * (SSE included). A client that leaves aborts the request, as a dropped socket does.
 */
export async function startRecordingSubgraph(h: Harness): Promise<RunningSubgraph & { calls: SubgraphCall[] }> {
  const calls: SubgraphCall[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = req.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : undefined;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = (body ? JSON.parse(body) : { query: url.searchParams.get('query') }) as { query?: string; variables?: { representations?: unknown[] } };
    const call: SubgraphCall = { method: req.method ?? '', headers: req.headers, query: params.query ?? '', representations: params.variables?.representations?.length ?? 0 };
    calls.push(call);

    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const headers = Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string');
    const response = await h.app.yoga.fetch(url.toString(), { method: req.method, headers, body, signal: aborted.signal });
    call.status = response.status;
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      call.answer = await response.text();
      res.end(call.answer);
      return;
    }
    const reader = response.body?.getReader();
    try {
      for (let step = await reader?.read(); step && !step.done; step = await reader?.read()) res.write(step.value);
    } catch {
      // The client left mid-stream.
    }
    res.end();
  });
  return { ...(await listen(server, '/graphql')), calls };
}
