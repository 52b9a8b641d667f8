import type { Server } from 'node:http';

/** What each listen failure means for whoever started the process, and what to change. */
const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use by another process: stop that process or set PORT to a free port',
  EACCES: 'permission denied (ports below 1024 need privileges): set PORT to 1024 or above',
  EPERM: 'operation not permitted: set PORT to 1024 or above, or check the sandbox or container the process runs in',
  EADDRNOTAVAIL: 'this machine has no such address: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for every interface)',
  ENOTFOUND: 'the host name does not resolve: set HOST to an address (127.0.0.1, or 0.0.0.0 for every interface)',
  EAI_AGAIN: 'the host name could not be resolved now (DNS): set HOST to an address (127.0.0.1, or 0.0.0.0 for every interface)',
  EAFNOSUPPORT: 'this machine does not support that address family: set HOST to an IPv4 address such as 127.0.0.1',
};

/** A listen failure as one line: where, what went wrong in plain words, and the system's code. */
export function listenFailureLine(error: NodeJS.ErrnoException, host: string, port: number): string {
  const code = error.code ?? 'UNKNOWN';
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return `cannot listen on ${where}: ${REASONS[code] ?? error.message} (${code})`;
}

/**
 * Listens, resolving once the port is bound and rejecting with the failure line otherwise.
 * Called before anything else listens to the server's `error` event (the WebSocket server
 * re-emits it, and graphql-ws prints a stack trace for it), so a failure is reported once.
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new Error(listenFailureLine(error, host, port)));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
