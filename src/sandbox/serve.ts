import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderSimulator } from '../providers/provider.js';

export interface RunningSimulator {
  url: string;
  simulator: ProviderSimulator;
  close(): Promise<void>;
}

/** Serves one simulator on loopback, on a free port unless one is given. */
export async function serveSimulator(simulator: ProviderSimulator, port = 0, host = '127.0.0.1'): Promise<RunningSimulator> {
  const server = createServer(simulator.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    simulator,
    close: () =>
      new Promise<void>((resolve) => {
        simulator.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
