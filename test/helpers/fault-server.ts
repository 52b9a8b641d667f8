import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does for one request. */
export type Fault =
  /** A valid D7 report for the id (status `read`, a final state), after `delayMs`. */
  | { kind: 'ok'; delayMs?: number }
  /** A D7 report for the id listing these messages, after `delayMs`. */
  | { kind: 'report'; messages: { msg_id: string; status: string }[]; delayMs?: number }
  /** This status with a small JSON body, after `delayMs`. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; delayMs?: number }
  /** Headers and half a body, then the socket is destroyed. */
  | { kind: 'reset' }
  /** Never sends the response headers. */
  | { kind: 'hang' }
  /** Headers, then one byte of body every `everyMs`, never finishing. */
  | { kind: 'drip'; everyMs: number }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** 200 with JSON that breaks D7's documented format. */
  | { kind: 'wrong-shape' }
  /** 200 with a valid-looking body of `bytes` bytes; `declared` sends its content-length up front. */
  | { kind: 'oversized'; bytes: number; declared: boolean };

export interface FaultServer {
  url: string;
  /** Faults for one id, one per request in order; the last one repeats. */
  script(id: string, ...faults: Fault[]): void;
  /** The fault for ids without a script. */
  setDefault(fault: Fault): void;
  /** Requests received for one id. */
  hits(id: string): number;
  /** Requests received in all. */
  readonly total: number;
  close(): Promise<void>;
}

const REPORT_PATH = /^\/whatsapp\/v2\/report\/([^/]+)$/;

/** The D7 report the server answers for `id` when all goes well. */
export function d7ReportFor(id: string) {
  return {
    request_id: id,
    messages: [{ msg_id: '6d29d646-4e09-11ee-84f4-0242ac190006', recipient: '+15550001', status: 'read', reason: 'Read by the user' }],
    request_stage: 'processed',
    schedule_time: null,
  };
}

/** A loopback D7 stand-in that misbehaves on demand, over real sockets. */
export async function startFaultServer(): Promise<FaultServer> {
  const scripts = new Map<string, Fault[]>();
  const counts = new Map<string, number>();
  let fallback: Fault = { kind: 'ok' };
  let total = 0;
  const timers = new Set<NodeJS.Timeout>();

  const later = (res: ServerResponse, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const server = createServer((req, res) => {
    const match = REPORT_PATH.exec(new URL(req.url ?? '/', 'http://fault').pathname);
    if (!match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const id = decodeURIComponent(match[1]);
    const seen = counts.get(id) ?? 0;
    counts.set(id, seen + 1);
    total += 1;
    const script = scripts.get(id);
    const fault = script ? script[Math.min(seen, script.length - 1)]! : fallback;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };

    switch (fault.kind) {
      case 'ok':
        if (fault.delayMs) later(res, fault.delayMs, () => json(200, d7ReportFor(id)));
        else json(200, d7ReportFor(id));
        return;
      case 'report': {
        const body = { request_id: id, messages: fault.messages, request_stage: 'processed', schedule_time: null };
        if (fault.delayMs) later(res, fault.delayMs, () => json(200, body));
        else json(200, body);
        return;
      }
      case 'status': {
        const answer = () => json(fault.status, { detail: { code: `HTTP_${fault.status}`, message: 'injected fault' } }, fault.headers);
        if (fault.delayMs) later(res, fault.delayMs, answer);
        else answer();
        return;
      }
      case 'reset': {
        const text = JSON.stringify(d7ReportFor(id));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, 20));
        // Let the first bytes leave before the connection dies mid-body.
        later(res, 10, () => res.socket?.destroy());
        return;
      }
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const tick = () => {
          if (res.destroyed) return;
          res.write(' ');
          later(res, fault.everyMs, tick);
        };
        later(res, fault.everyMs, tick);
        return;
      }
      case 'malformed':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>502 Bad Gateway</html>');
        return;
      case 'wrong-shape':
        json(200, { request_id: id, messages: 'none' });
        return;
      case 'oversized': {
        const body = JSON.stringify({ ...d7ReportFor(id), padding: 'x'.repeat(fault.bytes) });
        res.writeHead(200, fault.declared ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    script: (id, ...faults) => void scripts.set(id, faults),
    setDefault: (fault) => void (fallback = fault),
    hits: (id) => counts.get(id) ?? 0,
    get total() {
      return total;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let counter = 0;
/** A fresh valid D7 request id, so no test sees another's cache entries. */
export function freshD7Id(): string {
  counter += 1;
  return `00000000-0000-4000-9000-${String(counter).padStart(12, '0')}`;
}
