/**
 * N, a first attempt: the same schema on graphql-yoga, each ref fetched on its own with
 * undici (no DataLoader, so repeated ids are fetched again; no cache, no sharing, no policy).
 */
import { createServer } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import type { Ref } from '../ids.js';
import { serveOnLoopback, type Running } from './serve.js';
import { errorItem, invalidItem, recordItem, upstreamHeaders, upstreamPath, validId, type Item, type Upstream } from './common.js';
import { naiveSchema } from './resolvers.js';

export async function startNaive(up: Upstream, options: { port?: number; sockets?: number } = {}): Promise<Running> {
  const sockets = options.sockets ?? 32;
  const pools = { D7: new Pool(up.url, { connections: sockets }), BETATEL: new Pool(up.url, { connections: sockets }) };
  const lookup = async (ref: Ref): Promise<Item> => {
    if (!validId(ref)) return invalidItem(ref);
    try {
      const res = await pools[ref.provider].request({ method: 'GET', path: upstreamPath(ref), headers: upstreamHeaders(ref, up) });
      const text = await res.body.text();
      return res.statusCode === 200 ? recordItem(ref, JSON.parse(text)) : errorItem(ref, res.statusCode, `HTTP ${res.statusCode}`);
    } catch (error) {
      return errorItem(ref, undefined, String(error));
    }
  };
  const yoga = createYoga({ schema: naiveSchema((refs) => Promise.all(refs.map(lookup))), logging: false, landingPage: false, graphiql: false });
  const server = createServer(yoga);
  return serveOnLoopback(server, options.port, () => Promise.all([pools.D7.close(), pools.BETATEL.close()]));
}
