import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { BETATEL_SANDBOX } from '../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { OUTBOUND_SDL_FILE } from './compose.js';

export interface OutboundMessage {
  id: string;
  provider: 'D7' | 'BETATEL';
  providerMessageId: string;
}

// 7 distinct provider ids (4 D7, 3 Betatel) behind 20 outbound messages.
export const D7_IDS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333', D7_SANDBOX.example];
export const BT_IDS = ['01KA0000000000000000000001', '01KA0000000000000000000002', BETATEL_SANDBOX.example];
export const TWENTY: OutboundMessage[] = Array.from({ length: 20 }, (_, i) =>
  i % 7 < 4
    ? { id: `out-${i}`, provider: 'D7', providerMessageId: D7_IDS[i % 7]! }
    : { id: `out-${i}`, provider: 'BETATEL', providerMessageId: BT_IDS[(i % 7) - 4]! },
);

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/** The type message-status-graph gives each provider's records; the global id names it. */
const TYPE_OF_PROVIDER = { D7: 'D7Report', BETATEL: 'BetatelWdr' } as const;

/** Serves the test-only outbound subgraph over `messages` on 127.0.0.1 (a free port); `seen` is told of each request. */
export async function startOutboundSubgraph(messages: readonly OutboundMessage[], seen?: (request: IncomingMessage) => void): Promise<RunningSubgraph> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const schema = buildSubgraphSchema({
    typeDefs: parse(readFileSync(OUTBOUND_SDL_FILE, 'utf8')),
    resolvers: {
      Query: {
        outboundMessages: (_root: unknown, { ids }: { ids: string[] }) => ids.map((id) => byId.get(id) ?? null),
      },
      OutboundMessage: {
        __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
        // A reference only: the gateway fetches the record from message-status-graph by this key.
        deliveryStatus: (m: OutboundMessage) => ({ id: encodeGlobalId(TYPE_OF_PROVIDER[m.provider], m.providerMessageId) }),
      },
    },
  });
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false });
  const server = createServer(yoga);
  if (seen) server.prependListener('request', seen);
  return listen(server, '/graphql');
}

/** Listens on 127.0.0.1 port 0 and returns the URL and a close that ends kept-alive sockets too. */
export async function listen(server: Server, path: string): Promise<RunningSubgraph> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
