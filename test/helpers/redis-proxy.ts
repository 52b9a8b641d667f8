import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a Redis, which can stall (connections stay open, nothing passes) and count what clients send. */
export interface RedisProxy {
  port: number;
  url: string;
  /** Bytes clients sent through the proxy (whether or not forwarded yet). */
  readonly bytesFromClients: number;
  /** The name (lower case) of every command clients sent, in order per connection. */
  commands(): string[];
  /** Holds everything from now on, both ways, on old and new connections; `resume` lets it through. */
  stall(): void;
  resume(): void;
  /** Closes the connections whose client sent `command` (lower case), e.g. the pub/sub one by `subscribe`. */
  cut(command: string): void;
  /** Closes every new connection at once until `accept` (the existing ones carry on): Redis unreachable for reconnects only. */
  refuse(): void;
  accept(): void;
  close(): Promise<void>;
}

export async function startRedisProxy(targetPort: number): Promise<RedisProxy> {
  let stalled = false;
  let refusing = false;
  let bytesFromClients = 0;
  const held: { to: Socket; data: Buffer }[] = [];
  const sockets = new Set<Socket>();
  // What each connection's client sent, as text: commands are read from it on demand.
  const sent: { text: string; client: Socket }[] = [];
  const commandsIn = (text: string) => [...text.matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)].map((m) => m[1]!.toLowerCase());
  const pass = (to: Socket, data: Buffer) => {
    if (stalled) held.push({ to, data });
    else if (!to.destroyed) to.write(data);
  };
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    const log = { text: '', client };
    sent.push(log);
    client.on('data', (data: Buffer) => {
      bytesFromClients += data.length;
      log.text += data.toString('latin1');
      pass(upstream, data);
    });
    upstream.on('data', (data: Buffer) => pass(client, data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    get bytesFromClients() {
      return bytesFromClients;
    },
    commands: () => sent.flatMap(({ text }) => commandsIn(text)),
    stall: () => void (stalled = true),
    resume() {
      stalled = false;
      for (const { to, data } of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    cut(command) {
      for (const { text, client } of sent) if (commandsIn(text).includes(command)) client.destroy();
    },
    refuse: () => void (refusing = true),
    accept: () => void (refusing = false),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
