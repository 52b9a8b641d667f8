/**
 * B0, the limit: a bare node:http server that reads the ids out of the same GraphQL request
 * body, fetches each distinct id once with undici Pool.request and writes the same JSON
 * answer. No GraphQL parsing, validation or execution, no cache, no resilience policy.
 */
import { createServer, type Server } from 'node:http';
import { Pool } from 'undici';
import type { Ref } from '../ids.js';
import { serveOnLoopback, type Running } from './serve.js';
import { errorItem, invalidItem, recordItem, upstreamHeaders, upstreamPath, validId, type Item, type Upstream } from './common.js';

async function lookup(pool: Pool, ref: Ref, up: Upstream): Promise<Item> {
  try {
    const res = await pool.request({ method: 'GET', path: upstreamPath(ref), headers: upstreamHeaders(ref, up) });
    const text = await res.body.text();
    if (res.statusCode !== 200) return errorItem(ref, res.statusCode, `HTTP ${res.statusCode}`);
    return recordItem(ref, JSON.parse(text));
  } catch (error) {
    return errorItem(ref, undefined, String(error));
  }
}

export async function startB0(up: Upstream, options: { port?: number; sockets?: number } = {}): Promise<Running> {
  // One pool per provider, as in the service, with the same socket budget (bench/run.ts --sockets).
  const sockets = options.sockets ?? 32;
  const pools = { D7: new Pool(up.url, { connections: sockets }), BETATEL: new Pool(up.url, { connections: sockets }) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let refs: Ref[];
        try {
          refs = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { refs: Ref[] } }).variables.refs;
          if (!Array.isArray(refs)) throw new Error('refs');
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"bad request"}]}');
          return;
        }
        const distinct = new Map<string, Promise<Item>>();
        const items = await Promise.all(
          refs.map((ref) => {
            if (!validId(ref)) return invalidItem(ref);
            const key = `${ref.provider}:${ref.id}`;
            let p = distinct.get(key);
            if (!p) distinct.set(key, (p = lookup(pools[ref.provider], ref, up)));
            return p;
          }),
        );
        const body = JSON.stringify({ data: { messageStatuses: items } });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      })();
    });
  });
  return serveOnLoopback(server, options.port, () => Promise.all([pools.D7.close(), pools.BETATEL.close()]));
}
