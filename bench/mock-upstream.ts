/**
 * Loopback mock of both providers for the benchmark: D7's report and Betatel's WDR in
 * their documented formats, answered after a fixed latency (plus optional jitter), with
 * a count of calls per id so "upstream calls per request" is measured, not inferred.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestOf } from './ids.js';

export const MOCK_D7_TOKEN = 'bench-d7-token';
export const MOCK_BETATEL_KEY = 'bench-betatel-key';
export const MOCK_BETATEL_ACCOUNT = 'bench-betatel-account';

export interface MockOptions {
  latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs). */
  jitterMs?: number;
  port?: number;
}

export interface MockUpstream {
  url: string;
  /** Calls per `PROVIDER:id`. */
  readonly calls: Map<string, number>;
  totalCalls(): number;
  /** Calls made for the ids of these benchmark requests (see ids.ts). */
  callsForRequests(requests: Iterable<number>): number;
  reset(): void;
  /**
   * From now on: answer after `latencyMs` (jitter kept), or (`refuse`) 429 and 503 in turn
   * after it, counting nothing (bench/run.ts's step workload: a provider that slows down or sheds).
   */
  setPhase(phase: { latencyMs: number; refuse: boolean }): void;
  /** Requests being answered now: the calls a server keeps in flight here. */
  readonly open: number;
  close(): Promise<void>;
}

const D7_PATH = /^\/whatsapp\/v[12]\/report\/([^/?]+)$/;
const BETATEL_PATH = /^\/api\/v1\/connect-hub\/whatsapp\/([^/?]+)\/wdr$/;

// DELIVERED is not final: the service caches it for its "moving" lifetime (5 s by default),
// so the hot-key workload shows one call per cache lifetime rather than one per run.
function d7Body(id: string): string {
  return JSON.stringify({
    request_id: id,
    messages: [
      {
        msg_id: '6d29d646-4e09-11ee-84f4-0242ac190006',
        originator: '9190615xxxx',
        recipient: '+9190617xxxx',
        reference: {
          cust_ref: 'customerRef',
          message_tag1: 'bench',
          message_tag2: null,
          message_tag3: null,
          message_tag4: null,
          message_tag5: null,
          conversation_id: null,
        },
        conversation_type: 'marketing',
        message_type: 'TEMPLATE',
        template_id: 'marketing',
        waConvId: 'db311b5709a13ac72c1bd9f293c68625',
        status: 'delivered',
        reason: 'Delivered to the device',
      },
    ],
    request_stage: 'processed',
    schedule_time: null,
  });
}

function betatelBody(id: string): string {
  return JSON.stringify({
    uuid: id,
    wam_id: 'wamid.HBgLMzg3NjE0NDQ1NTUVAgARGBI',
    to: '38761444555',
    text: '482910',
    status: 'DELIVERED',
    timestamp: '2024-01-15T10:30:00.000Z',
    delivery_timestamp: '2024-01-15T10:30:02.000Z',
    delivery_time: 2143,
    webhook_delivered: true,
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startMockUpstream(options: MockOptions = {}): Promise<MockUpstream> {
  let latencyMs = options.latencyMs ?? 20;
  let refuse = false;
  let refused = 0;
  let open = 0;
  const jitterMs = options.jitterMs ?? 0;
  const calls = new Map<string, number>();
  const byRequest = new Map<number, number>();
  let total = 0;
  const count = (provider: string, id: string) => {
    const key = `${provider}:${id}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    total += 1;
    const request = requestOf(provider, id);
    if (request !== undefined) byRequest.set(request, (byRequest.get(request) ?? 0) + 1);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    let body: string;
    if (refuse) {
      refused += 1;
      const status = refused % 2 === 0 ? 429 : 503;
      open += 1;
      setTimeout(() => {
        open -= 1;
        send(res, status, '{"detail":{"code":"BUSY","message":"try again later"}}');
      }, latencyMs);
      return;
    }
    let d7: RegExpExecArray | null = null;
    let bt: RegExpExecArray | null = null;
    if ((d7 = D7_PATH.exec(path))) {
      if (req.headers.authorization !== `Bearer ${MOCK_D7_TOKEN}`) return send(res, 401, '{"detail":{"code":"ACCESS_TOKEN_SIGNATURE_VERIFICATION_FAILED","message":"bad token"}}');
      const id = decodeURIComponent(d7[1]!);
      count('D7', id);
      body = d7Body(id);
    } else if ((bt = BETATEL_PATH.exec(path))) {
      if (req.headers['x-api-key'] !== MOCK_BETATEL_KEY || req.headers['x-account-id'] !== MOCK_BETATEL_ACCOUNT) return send(res, 401, '{"message":"authentication failed"}');
      const id = decodeURIComponent(bt[1]!);
      count('BETATEL', id);
      body = betatelBody(id);
    } else {
      return send(res, 404, '{"detail":"Not Found"}');
    }
    const delay = latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0);
    open += 1;
    setTimeout(() => {
      open -= 1;
      send(res, 200, body);
    }, delay);
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    totalCalls: () => total,
    callsForRequests(requests) {
      let sum = 0;
      for (const r of requests) sum += byRequest.get(r) ?? 0;
      return sum;
    },
    setPhase(phase) {
      latencyMs = phase.latencyMs;
      refuse = phase.refuse;
    },
    get open() {
      return open;
    },
    reset() {
      calls.clear();
      byRequest.clear();
      total = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
