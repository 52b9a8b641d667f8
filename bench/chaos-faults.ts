import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderSimulator } from '../src/providers/provider.js';

/** Faults the chaos run injects, each equally likely once a request is chosen for one. */
export const FAULT_KINDS = [
  'delay', // a latency spike, then the real answer
  'status500',
  'status502',
  'status503',
  'status429', // without Retry-After
  'status429-retry-after', // Retry-After: 1
  'reset', // headers and part of the body, then the socket dies
  'hang', // never answers
  'drip', // the body one byte at a time, too slowly
  'malformed', // 200, not JSON
  'wrong-shape', // 200, JSON that breaks the provider's format
  'oversized', // 200, a body over the size limit
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Wraps a simulator so that `rate` of its requests misbehave in one of the
 * ways above; the rest get the simulator's true answer. Counts what it did.
 */
export function withFaults(simulator: ProviderSimulator, rate: number, random: () => number = Math.random) {
  const injected = new Map<FaultKind, number>();
  let hits = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    hits += 1;
    if (random() >= rate) return simulator.handler(req, res);
    const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
    injected.set(kind, (injected.get(kind) ?? 0) + 1);
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(fn, ms);
      res.on('close', () => clearTimeout(timer));
    };
    const json = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    switch (kind) {
      case 'delay':
        return later(200 + Math.floor(random() * 800), () => simulator.handler(req, res));
      case 'status500':
        return json(500, '{"detail":"injected"}');
      case 'status502':
        return json(502, '{"detail":"injected"}');
      case 'status503':
        return json(503, '{"detail":"injected"}');
      case 'status429':
        return json(429, '{"detail":"injected"}');
      case 'status429-retry-after':
        return json(429, '{"detail":"injected"}', { 'retry-after': '1' });
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"request_id":"');
        return later(5, () => res.socket?.destroy());
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const tick = () => {
          if (res.destroyed) return;
          res.write(' ');
          later(200, tick);
        };
        return tick();
      }
      case 'malformed':
        return json(200, '{"uuid": "01');
      case 'wrong-shape':
        return json(200, '{"request_id": 42, "uuid": 42, "messages": "none", "status": []}');
      case 'oversized':
        return json(200, JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));
    }
  };
  return {
    simulator: { ...simulator, handler } satisfies ProviderSimulator,
    injected,
    get hits() {
      return hits;
    },
  };
}
