import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookPoster, type EventsOf } from '../../../src/sandbox/webhook-poster.js';

let server: Server;
let url: string;
const received: unknown[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('WebhookPoster (the sandbox side of webhooks)', () => {
  it('posts each new status once, drops a record once settled, and tracks at most maxTracked records', async () => {
    received.length = 0;
    const status = new Map<string, string>();
    const eventsOf: EventsOf = (id) => ({ events: [{ key: id, status: status.get(id)!, body: { id, status: status.get(id) } }], settled: status.get(id) === 'final' });
    const poster = new WebhookPoster({ url: () => url, tickMs: 10, maxTracked: 2 }, eventsOf);
    for (const id of ['a', 'b', 'c']) {
      status.set(id, 'first');
      poster.track(id);
    }
    expect(poster.trackedCount).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // What was served when tracking began counts as told.
    expect(received).toEqual([]);

    status.set('a', 'final');
    await until(() => poster.trackedCount === 1);
    status.set('b', 'second');
    await until(() => received.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([
      { id: 'a', status: 'final' },
      { id: 'b', status: 'second' },
    ]);

    poster.close();
    status.set('b', 'third');
    poster.track('c');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(poster.trackedCount).toBe(0);
    expect(received).toHaveLength(2);
  });
});
