import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { freshD7Id, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const QUERY = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
      ... on D7Report { requestId state }
      ... on BetatelWdr { uuid status }
      ... on ProviderError { code retryable message }
    }
  }
`;

type Item = Record<string, unknown> & { __typename: string };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let faults: FaultServer;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  faults = await startFaultServer();
});
afterAll(async () => {
  await faults.close();
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

async function lookup(h: Harness, ...refs: { provider: string; id: string }[]): Promise<Item[]> {
  const res = await h.query<{ messageStatuses: Item[] }>(QUERY, { refs });
  expect(res.errors).toBeUndefined();
  return res.data!.messageStatuses;
}
const d7 = (id: string) => ({ provider: 'D7', id });

describe('circuit breaker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      // Half-open delay and probe delay leave wide margins for a loaded machine.
      env: { BREAKER_THRESHOLD: '3', BREAKER_HALF_OPEN_MS: '1000', UPSTREAM_TIMEOUT_MS: '2000' },
      baseUrls: { D7: faults.url },
    });
  });
  afterAll(() => h.close());

  it('opens after 3 failed calls, answers UNAVAILABLE without calling, half-opens one probe, closes on success', async () => {
    const failing = [freshD7Id(), freshD7Id(), freshD7Id()];
    for (const id of failing) {
      faults.script(id, { kind: 'status', status: 500 });
      expect(await lookup(h, d7(id))).toEqual([expect.objectContaining({ __typename: 'ProviderError', code: 'UNAVAILABLE' })]);
    }
    expect(failing.map((id) => faults.hits(id))).toEqual([1, 1, 1]);
    expect(h.app.service.circuitState('D7')).toBe('Open');

    // Open: a healthy id is refused here, nothing goes upstream; Betatel is untouched.
    const refused = freshD7Id();
    const [refusedItem, betatel] = await lookup(h, d7(refused), { provider: 'BETATEL', id: BETATEL_SANDBOX.example });
    expect(refusedItem).toMatchObject({ __typename: 'ProviderError', code: 'UNAVAILABLE', retryable: true, message: expect.stringMatching(/circuit open/) });
    expect(betatel).toMatchObject({ __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.example });
    expect(faults.hits(refused)).toBe(0);

    // After the half-open delay one probe goes through; a call arriving meanwhile waits for the probe's verdict.
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const probe = freshD7Id();
    faults.script(probe, { kind: 'ok', delayMs: 600 });
    const probing = lookup(h, d7(probe));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.app.service.circuitState('D7')).toBe('HalfOpen');
    const during = freshD7Id();
    const waiting = lookup(h, d7(during));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(faults.hits(during)).toBe(0);
    expect(await probing).toEqual([expect.objectContaining({ __typename: 'D7Report', requestId: probe, state: 'READ' })]);
    expect(faults.hits(probe)).toBe(1);
    expect(h.app.service.circuitState('D7')).toBe('Closed');
    expect(await waiting).toEqual([expect.objectContaining({ __typename: 'D7Report', requestId: during })]);
    expect(faults.hits(during)).toBe(1);

    // Closed again: calls flow.
    const after = freshD7Id();
    expect(await lookup(h, d7(after))).toEqual([expect.objectContaining({ __typename: 'D7Report', requestId: after })]);
    expect(faults.hits(after)).toBe(1);
  });

  it('a failed probe opens the circuit again', async () => {
    for (let i = 0; i < 3; i++) {
      const id = freshD7Id();
      faults.script(id, { kind: 'status', status: 503 });
      await lookup(h, d7(id));
    }
    expect(h.app.service.circuitState('D7')).toBe('Open');
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const probe = freshD7Id();
    faults.script(probe, { kind: 'status', status: 500 });
    expect(await lookup(h, d7(probe))).toEqual([expect.objectContaining({ code: 'UNAVAILABLE' })]);
    expect(faults.hits(probe)).toBe(1);
    expect(h.app.service.circuitState('D7')).toBe('Open');
    const next = freshD7Id();
    await lookup(h, d7(next));
    expect(faults.hits(next)).toBe(0);
  });
});

describe('bulkhead', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { BULKHEAD_CONCURRENCY: '1', BULKHEAD_QUEUE: '1' }, baseUrls: { D7: faults.url } });
  });
  afterAll(() => h.close());

  it('runs 1, queues 1 and refuses the rest at once as a retryable UNAVAILABLE', async () => {
    const ids = [freshD7Id(), freshD7Id(), freshD7Id(), freshD7Id()];
    for (const id of ids) faults.script(id, { kind: 'ok', delayMs: 100 });
    const items = await lookup(h, ...ids.map(d7));
    expect(items.slice(0, 2)).toEqual(ids.slice(0, 2).map((requestId) => expect.objectContaining({ __typename: 'D7Report', requestId })));
    expect(items.slice(2)).toEqual(
      ids.slice(2).map(() => expect.objectContaining({ __typename: 'ProviderError', code: 'UNAVAILABLE', retryable: true, message: expect.stringMatching(/too many/) })),
    );
    expect(ids.map((id) => faults.hits(id))).toEqual([1, 1, 0, 0]);
    // A refusal is the bulkhead's, not the provider's: it must not count towards the circuit.
    expect(h.app.service.circuitState('D7')).toBe('Closed');
  });
});

describe('request deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    // Transport timeouts far beyond the deadline: only the deadline can end the wait.
    h = await startHarness({
      env: { REQUEST_DEADLINE_MS: '500', UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '10000' },
      baseUrls: { D7: faults.url },
    });
  });
  afterAll(() => h.close());

  it('answers TIMEOUT for the item that hangs at the deadline, and the rest normally', async () => {
    const hanging = freshD7Id();
    const healthy = freshD7Id();
    faults.script(hanging, { kind: 'hang' });
    const started = Date.now();
    const items = await lookup(h, d7(hanging), d7(healthy));
    const elapsed = Date.now() - started;
    expect(items).toEqual([
      expect.objectContaining({ __typename: 'ProviderError', code: 'TIMEOUT', message: expect.stringMatching(/deadline/) }),
      expect.objectContaining({ __typename: 'D7Report', requestId: healthy }),
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_500);
    expect(faults.hits(hanging)).toBe(1);
  });
});
