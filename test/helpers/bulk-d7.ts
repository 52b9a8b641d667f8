import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkD7 {
  url: string;
  /** From now on, report `requestId` lists `recipients` messages, all `processed` (a bulk send just accepted). */
  report(requestId: string, recipients: number): void;
  /** Requests received for `requestId`. */
  hits(requestId: string): number;
  close(): Promise<void>;
}

/** The msg_id of recipient `index` of report `requestId` (a UUID, as D7's). */
export const bulkMsgId = (requestId: string, index: number) => `${index.toString(16).padStart(8, '0')}-0000-1000-8000-${requestId.slice(-12)}`;

const REPORT_PATH = /^\/whatsapp\/v2\/report\/([^/]+)$/;

/**
 * A loopback D7 stand-in whose reports hold many recipients, every one still `processed`, so
 * each delivery event (sent, delivered, read) changes one message of a large report: the load
 * that made Redis traffic grow with the square of a report's size (issue 23, item 4).
 */
export async function startBulkD7(): Promise<BulkD7> {
  const sizes = new Map<string, number>();
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = decodeURIComponent(REPORT_PATH.exec(new URL(req.url ?? '/', 'http://bulk').pathname)?.[1] ?? '');
    const size = sizes.get(id);
    hits.set(id, (hits.get(id) ?? 0) + 1);
    if (size === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { code: 'NOT_FOUND', message: 'no such report' } }));
      return;
    }
    const text = JSON.stringify({
      request_id: id,
      messages: Array.from({ length: size }, (_, i) => ({
        msg_id: bulkMsgId(id, i),
        originator: 'SandboxCo',
        recipient: `+9190617${String(i).padStart(5, '0')}`,
        reference: { cust_ref: 'bulk-campaign', message_tag1: `recipient-${i + 1}`, message_tag2: null, message_tag3: null, message_tag4: null, message_tag5: null, conversation_id: null },
        conversation_type: 'marketing',
        message_type: 'TEMPLATE',
        template_id: 'bulk_template',
        waConvId: null,
        status: 'processed',
        reason: 'Accepted for delivery',
      })),
      request_stage: 'processed',
      schedule_time: null,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    report: (requestId, recipients) => void sizes.set(requestId, recipients),
    hits: (requestId) => hits.get(requestId) ?? 0,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
