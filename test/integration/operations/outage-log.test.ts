import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { freshD7Id, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { capturingLogger } from '../../helpers/redis.js';

/**
 * Outages in the logs (issue 21 item 4): before, an unreachable provider and an open breaker
 * wrote no warn line at all, and a request whose every item failed was logged as `success`.
 */
type Line = Record<string, unknown> & { level: number; msg: string };
const capture = capturingLogger();
const lines = capture.lines as Line[];
const WARN = 40;
const INFO = 30;

let faults: FaultServer;
let h: Harness;
beforeAll(async () => {
  faults = await startFaultServer();
  h = await startHarness({
    env: { BREAKER_THRESHOLD: '3', BREAKER_HALF_OPEN_MS: '300' },
    baseUrls: { D7: faults.url },
    deps: { logger: capture.logger },
  });
});
afterAll(async () => {
  await h.close();
  await faults.close();
});

const QUERY = `query Outage($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename ... on ProviderError { code } } }`;
const ask = (...refs: { provider: string; id: string }[]) => h.query<{ messageStatuses: { __typename: string }[] }>(QUERY, { refs });
const d7 = () => ({ provider: 'D7', id: freshD7Id() });
const betatel = { provider: 'BETATEL', id: BETATEL_SANDBOX.example };

const health = () => lines.filter((l) => l.provider === 'D7' && (l.health !== undefined || l.breaker !== undefined));
const requests = () => lines.filter((l) => l.msg === 'graphql request');

describe('provider outages in the logs: one line per transition, requests logged as failed or partial', () => {
  it('a provider that fails, opens its breaker, then recovers: warn twice, info twice, whatever the request count', async () => {
    faults.setDefault({ kind: 'status', status: 500 });
    lines.length = 0;
    // Enough requests to fail repeatedly, open the breaker and be refused while it is open.
    for (let i = 0; i < 8; i += 1) {
      const res = await ask(d7(), d7(), betatel);
      expect(res.data!.messageStatuses.map((i) => i.__typename)).toEqual(['ProviderError', 'ProviderError', 'BetatelWdr']);
    }
    const onlyD7 = await ask(d7(), d7());
    expect(onlyD7.data!.messageStatuses.map((i) => i.__typename)).toEqual(['ProviderError', 'ProviderError']);
    expect(h.app.service.circuitState('D7')).toBe('Open');

    expect(health().map((l) => [l.level, l.health ?? `breaker ${String(l.breaker)}`])).toEqual([
      [WARN, 'failing'],
      [WARN, 'breaker open'],
    ]);
    expect(health()[0]).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 500, msg: expect.stringMatching(/^D7 is failing/) });
    expect(health()[1]).toMatchObject({ failures: 3, msg: expect.stringMatching(/^D7 circuit open after 3 failures in a row/) });

    const logged = requests();
    expect(logged).toHaveLength(9);
    for (const line of logged.slice(0, 8)) expect(line).toMatchObject({ outcome: 'partial', items: 3, failedItems: 2, itemErrorCodes: ['UNAVAILABLE'] });
    expect(logged[8]).toMatchObject({ outcome: 'failed', items: 2, failedItems: 2, itemErrorCodes: ['UNAVAILABLE'] });

    // Back: after the half-open delay a probe succeeds and closes the breaker.
    faults.setDefault({ kind: 'ok' });
    await vi.waitFor(
      async () => {
        await ask(d7());
        expect(h.app.service.circuitState('D7')).toBe('Closed');
      },
      { timeout: 10_000, interval: 100 },
    );
    for (let i = 0; i < 5; i += 1) expect((await ask(d7(), betatel)).data!.messageStatuses.map((i) => i.__typename)).toEqual(['D7Report', 'BetatelWdr']);
    expect(health().map((l) => [l.level, l.health ?? `breaker ${String(l.breaker)}`])).toEqual([
      [WARN, 'failing'],
      [WARN, 'breaker open'],
      [INFO, 'up'],
      [INFO, 'breaker closed'],
    ]);
    expect(requests().at(-1)).toMatchObject({ outcome: 'success' });
    expect(requests().at(-1)).not.toHaveProperty('itemErrorCodes');
  });

  it('not found and invalid ids are answers, not failures: the request stays a success', async () => {
    lines.length = 0;
    await ask({ provider: 'D7', id: 'not-a-uuid' }, { provider: 'BETATEL', id: BETATEL_SANDBOX.notFound });
    expect(requests()).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });
});
