import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A variant's server, listening on loopback. */
export interface Running {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1; `close` drops open connections, stops the server, then releases `resources`. */
export async function serveOnLoopback(server: Server, port: number | undefined, resources: () => Promise<unknown>): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await resources();
    },
  };
}
