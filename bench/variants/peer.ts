/**
 * P, the peer users would pick: Apollo Server 5 (standalone) with @apollo/datasource-rest 6,
 * one RESTDataSource per provider per request, as its docs show. Its defaults apply: GETs are
 * de-duplicated within one request (one data source instance), HTTP via its default fetcher
 * (node-fetch on Node's global agent), no cross-request cache (the mock sends no cache headers).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type AugmentedRequest } from '@apollo/datasource-rest';
import type { Ref } from '../ids.js';
import type { Running } from './serve.js';
import { errorItem, invalidItem, recordItem, upstreamHeaders, upstreamPath, validId, type Item, type Upstream } from './common.js';
import { naiveSchema } from './resolvers.js';

class ProviderAPI extends RESTDataSource {
  constructor(
    private readonly up: Upstream,
    private readonly provider: Ref['provider'],
  ) {
    super();
    this.baseURL = `${up.url}/`;
  }

  override willSendRequest(_path: string, request: AugmentedRequest) {
    Object.assign(request.headers, upstreamHeaders({ provider: this.provider, id: '' }, this.up));
  }

  async status(ref: Ref): Promise<Item> {
    if (!validId(ref)) return invalidItem(ref);
    try {
      return recordItem(ref, await this.get(upstreamPath(ref).slice(1)));
    } catch (error) {
      const status = (error as { extensions?: { response?: { status?: number } } }).extensions?.response?.status;
      return errorItem(ref, status, String(error));
    }
  }
}

interface PeerContext {
  dataSources: Record<Ref['provider'], ProviderAPI>;
}

// `sockets` is not applied: the peer keeps its default HTTP stack (Node's global agent has no socket cap).
export async function startPeer(up: Upstream, options: { port?: number; sockets?: number } = {}): Promise<Running> {
  const server = new ApolloServer<PeerContext>({
    schema: naiveSchema<PeerContext>((refs, ctx) => Promise.all(refs.map((ref) => ctx.dataSources[ref.provider].status(ref)))),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port ?? 0, host: '127.0.0.1' },
    context: async () => ({ dataSources: { D7: new ProviderAPI(up, 'D7'), BETATEL: new ProviderAPI(up, 'BETATEL') } }),
  });
  return { port: Number(new URL(url).port), close: () => server.stop() };
}
