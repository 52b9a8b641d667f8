import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowD7 {
  url: string;
  /** Answer delay, ms; 0 answers at once. */
  delayMs: number;
  /** Requests received for ids in `group`, in all. */
  hits(group: ReadonlySet<string>): number;
  /** Starts counting the requests of `group` open at once (see `peak`). */
  track(group: ReadonlySet<string>): void;
  /** The most requests for ids in a tracked `group` ever open at once at this server. */
  peak(group: ReadonlySet<string>): number;
  /** Requests open now, for any id. */
  readonly open: number;
  close(): Promise<void>;
}

const REPORT_PATH = /^\/whatsapp\/v2\/report\/([^/]+)$/;

/**
 * A loopback D7 stand-in that answers every report after `delayMs` with a message still moving
 * (`delivered`, not final), so a watcher of it keeps polling. It counts, per group of ids,
 * the requests open at once: what the provider sees of our concurrency.
 */
export async function startSlowD7(delayMs: number): Promise<SlowD7> {
  const openById = new Map<string, number>();
  const hitsById = new Map<string, number>();
  const peaks = new Map<ReadonlySet<string>, number>();
  const groups = new Set<ReadonlySet<string>>();
  let open = 0;
  const openIn = (group: ReadonlySet<string>) => {
    let n = 0;
    for (const id of group) n += openById.get(id) ?? 0;
    return n;
  };

  const server = createServer((req, res) => {
    const match = REPORT_PATH.exec(new URL(req.url ?? '/', 'http://slow').pathname);
    if (!match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const id = decodeURIComponent(match[1]);
    open += 1;
    openById.set(id, (openById.get(id) ?? 0) + 1);
    hitsById.set(id, (hitsById.get(id) ?? 0) + 1);
    for (const group of groups) if (group.has(id)) peaks.set(group, Math.max(peaks.get(group) ?? 0, openIn(group)));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      open -= 1;
      openById.set(id, openById.get(id)! - 1);
    };
    res.on('close', finish);
    const answer = () => {
      const text = JSON.stringify({
        request_id: id,
        messages: [{ msg_id: '6d29d646-4e09-11ee-84f4-0242ac190006', recipient: '+15550001', status: 'delivered' }],
        request_stage: 'processed',
        schedule_time: null,
      });
      finish();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (slow.delayMs > 0) {
      const timer = setTimeout(answer, slow.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const slow: SlowD7 = {
    url: `http://127.0.0.1:${port}`,
    delayMs,
    hits: (group) => [...group].reduce((sum, id) => sum + (hitsById.get(id) ?? 0), 0),
    track: (group) => void groups.add(group),
    peak: (group) => peaks.get(group) ?? 0,
    get open() {
      return open;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return slow;
}
