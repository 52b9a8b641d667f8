import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { D7Record } from '../../../src/providers/d7/normalize.js';
import { betatel } from '../../../src/providers/betatel/index.js';
import { d7 } from '../../../src/providers/d7/index.js';
import { BETATEL_SANDBOX_CREDENTIALS } from '../../../src/providers/betatel/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { receivedCount, sleep, until } from '../../helpers/webhooks.js';

const sandboxTokens = { [d7.key]: d7.webhook!.sandboxToken, [betatel.key]: betatel.webhook!.sandboxToken };

describe('sandbox simulators post webhooks as their records advance', () => {
  // The simulators' clock: the test moves it, so a record's life takes no real time.
  let clock = Date.now();
  let h: Harness;
  let server: Server;
  beforeAll(async () => {
    h = await startHarness({ simulator: { now: () => clock, webhooks: { tokens: sandboxTokens, tickMs: 20 } } });
    server = createServer(h.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h.sandbox.postWebhooksTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('a D7 report moves to sent and delivered by webhooks alone, with no further GET, and posting stops once it is settled', async () => {
    const id = '5a000000-0000-4000-8000-000000000001';
    const first = await h.query<{ d7Report: { state: string } }>(`{ d7Report(requestId: "${id}") { state } }`);
    expect(first.data?.d7Report.state).toBe('PENDING');
    const messages = () => (h.app.service.known('D7', id) as D7Record).details.messages;
    const count = messages().length;

    clock += 2_500;
    await until(() => messages()[0]!.status === 'sent', 3_000, 'the sent webhook');
    // Message i starts i seconds after the first: 20 s later every message is settled.
    clock += 20_000;
    await until(() => messages().every((m) => m.status !== 'processed' && m.status !== 'sent'), 3_000, 'the final webhooks');
    expect(h.simulator('D7').requests).toEqual([id]);

    const accepted = await receivedCount(h, { provider: 'D7', outcome: 'accepted' });
    // One post per change seen at a tick: message 0's sent, then every message's last status.
    expect(accepted).toBe(count + 1);
    clock += 60_000;
    await sleep(200);
    expect(await receivedCount(h, { provider: 'D7', outcome: 'accepted' })).toBe(accepted);
    expect(await receivedCount(h, { outcome: 'unauthorized' })).toBe(0);
  });

  it('a Betatel record arrives as the WDR the simulator would answer', async () => {
    const uuid = '01JV5V54KPYK9GB29265EQRZ9A';
    const first = await h.query<{ betatelWdr: { state: string } }>(`{ betatelWdr(uuid: "${uuid}") { state } }`);
    expect(first.data?.betatelWdr.state).toBe('PENDING');
    clock += 6_000;
    await until(() => h.app.service.known('BETATEL', uuid)?.state !== 'PENDING' && h.app.service.known('BETATEL', uuid)?.state !== 'SENT', 3_000, 'the Betatel webhook');
    expect(h.simulator('BETATEL').requests).toEqual([uuid]);
    // What the simulator itself answers now is what the webhook brought.
    const direct = await fetch(`${h.sandbox.simulators.BETATEL!.url}/api/v1/connect-hub/whatsapp/${uuid}/wdr`, {
      headers: { 'x-api-key': BETATEL_SANDBOX_CREDENTIALS.apiKey, 'x-account-id': BETATEL_SANDBOX_CREDENTIALS.accountId },
    });
    const wdr = (await direct.json()) as { status: string };
    expect((h.app.service.known('BETATEL', uuid)?.details as { status: string }).status).toBe(wdr.status);
  });
});

describe('sandbox webhooks are off unless asked for', () => {
  it('posts nothing when the simulator has no webhook options', async () => {
    let clock = Date.now();
    const h = await startHarness({ simulator: { now: () => clock } });
    try {
      const id = '5a000000-0000-4000-8000-000000000002';
      await h.query(`{ d7Report(requestId: "${id}") { state } }`);
      clock += 30_000;
      await sleep(300);
      expect(await receivedCount(h)).toBe(0);
      expect(h.app.service.known('D7', id)?.state).toBe('PENDING');
    } finally {
      await h.close();
    }
  });
});
