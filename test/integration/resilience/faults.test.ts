import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BETATEL_DOCS_EXAMPLE, BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { freshD7Id, startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Small figures so every fault resolves in well under a second or two.
const DEADLINE_MS = 2_000;
const ENV = {
  UPSTREAM_TIMEOUT_MS: '300',
  UPSTREAM_ATTEMPT_TIMEOUT_MS: '600',
  UPSTREAM_MAX_BODY_BYTES: '2048',
  REQUEST_DEADLINE_MS: String(DEADLINE_MS),
  RETRY_MAX: '2',
  RETRY_BASE_MS: '20',
  RETRY_MAX_DELAY_MS: '50',
  RETRY_AFTER_CAP_MS: '1500',
  // High enough that this file's faults never open the circuit; breaker.test.ts covers it.
  BREAKER_THRESHOLD: '100',
};

const QUERY = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
      ... on MessageStatus { providerMessageId provider state }
      ... on D7Report { requestId messages { status } }
      ... on BetatelWdr { uuid to status }
      ... on LookupError { providerMessageId retryable }
      ... on ProviderError { code httpStatus retryAfterSeconds }
    }
  }
`;

type Item = Record<string, unknown> & { __typename: string };

let faults: FaultServer;
let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  faults = await startFaultServer();
  h = await startHarness({ env: ENV, baseUrls: { D7: faults.url } });
});
afterAll(async () => {
  await h.close();
  await faults.close();
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

/**
 * One batch: the faulty D7 id, a healthy D7 id and the Betatel docs example.
 * Checks the neighbours are right and the whole answer came within the deadline.
 */
async function batchWith(...script: Fault[]): Promise<{ item: Item; faultyId: string; elapsedMs: number }> {
  const faultyId = freshD7Id();
  const healthyId = freshD7Id();
  faults.script(faultyId, ...script);
  const started = Date.now();
  const res = await h.query<{ messageStatuses: Item[] }>(QUERY, {
    refs: [
      { provider: 'D7', id: faultyId },
      { provider: 'D7', id: healthyId },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.example },
    ],
  });
  const elapsedMs = Date.now() - started;
  expect(res.errors).toBeUndefined();
  const [item, healthy, betatel] = res.data!.messageStatuses;
  expect(healthy).toMatchObject({ __typename: 'D7Report', requestId: healthyId, state: 'READ', messages: [{ status: 'read' }] });
  expect(faults.hits(healthyId)).toBe(1);
  expect(betatel).toMatchObject({ __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.example, to: BETATEL_DOCS_EXAMPLE.to, status: 'DELIVERED' });
  expect(elapsedMs).toBeLessThan(DEADLINE_MS + 1_000);
  return { item: item!, faultyId, elapsedMs };
}

const providerError = (code: string, extra: Record<string, unknown> = {}) => ({ __typename: 'ProviderError', code, ...extra });

describe('fault injection over loopback sockets', () => {
  it('a latency spike under the timeouts still answers, with one call', async () => {
    const { item, faultyId } = await batchWith({ kind: 'ok', delayMs: 150 });
    expect(item).toMatchObject({ __typename: 'D7Report', requestId: faultyId, state: 'READ' });
    expect(faults.hits(faultyId)).toBe(1);
  });

  it('a latency spike past the timeouts is TIMEOUT, not retried', async () => {
    const { item, faultyId } = await batchWith({ kind: 'ok', delayMs: 1_500 });
    expect(item).toMatchObject(providerError('TIMEOUT', { retryable: true, providerMessageId: faultyId }));
    expect(faults.hits(faultyId)).toBe(1);
  });

  it('500 is UNAVAILABLE and not retried', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 500 });
    expect(item).toMatchObject(providerError('UNAVAILABLE', { httpStatus: 500, retryable: true }));
    expect(faults.hits(faultyId)).toBe(1);
  });

  it('502 then a good answer: retried once, answers the data', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 502 }, { kind: 'ok' });
    expect(item).toMatchObject({ __typename: 'D7Report', requestId: faultyId, state: 'READ' });
    expect(faults.hits(faultyId)).toBe(2);
  });

  it('503 every time: one call and two retries, then UNAVAILABLE', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 503 });
    expect(item).toMatchObject(providerError('UNAVAILABLE', { httpStatus: 503 }));
    expect(faults.hits(faultyId)).toBe(3);
  });

  it('504 every time: retried, then TIMEOUT', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 504 });
    expect(item).toMatchObject(providerError('TIMEOUT', { httpStatus: 504 }));
    expect(faults.hits(faultyId)).toBe(3);
  });

  it('429 without Retry-After: retried with backoff, then RATE_LIMITED', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 429 });
    expect(item).toMatchObject(providerError('RATE_LIMITED', { httpStatus: 429, retryable: true, retryAfterSeconds: null }));
    expect(faults.hits(faultyId)).toBe(3);
  });

  it('429 with Retry-After: 1 (under the cap): waits that long, then answers the data', async () => {
    const { item, faultyId, elapsedMs } = await batchWith({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok' });
    expect(item).toMatchObject({ __typename: 'D7Report', requestId: faultyId });
    expect(faults.hits(faultyId)).toBe(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('429 with Retry-After: 5 (over the cap): not retried, RATE_LIMITED with the wait', async () => {
    const { item, faultyId, elapsedMs } = await batchWith({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    expect(item).toMatchObject(providerError('RATE_LIMITED', { retryAfterSeconds: 5 }));
    expect(faults.hits(faultyId)).toBe(1);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('503 with Retry-After: 1 twice: the second wait would cross the deadline, so it stops at two calls', async () => {
    const { item, faultyId } = await batchWith({ kind: 'status', status: 503, headers: { 'retry-after': '1' } });
    expect(item).toMatchObject(providerError('UNAVAILABLE', { retryAfterSeconds: 1 }));
    expect(faults.hits(faultyId)).toBe(2);
  });

  it('a connection reset mid-body is a connection error: retried, then UNAVAILABLE', async () => {
    const { item, faultyId } = await batchWith({ kind: 'reset' });
    expect(item).toMatchObject(providerError('UNAVAILABLE', { retryable: true }));
    expect(faults.hits(faultyId)).toBe(3);
  });

  it('a reset then a good answer: the retry answers the data', async () => {
    const { item, faultyId } = await batchWith({ kind: 'reset' }, { kind: 'ok' });
    expect(item).toMatchObject({ __typename: 'D7Report', requestId: faultyId });
    expect(faults.hits(faultyId)).toBe(2);
  });

  it('no response headers: TIMEOUT (header or attempt timeout, whichever fires first), not retried', async () => {
    const { item, faultyId, elapsedMs } = await batchWith({ kind: 'hang' });
    expect(item).toMatchObject(providerError('TIMEOUT'));
    expect(faults.hits(faultyId)).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
  });

  it('a body that drips too slowly: the attempt timeout cuts it (undici only times gaps between chunks)', async () => {
    const { item, faultyId, elapsedMs } = await batchWith({ kind: 'drip', everyMs: 100 });
    expect(item).toMatchObject(providerError('TIMEOUT'));
    expect(faults.hits(faultyId)).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(600);
  });

  it('malformed JSON is BAD_RESPONSE, not retried', async () => {
    const { item, faultyId } = await batchWith({ kind: 'malformed' });
    expect(item).toMatchObject(providerError('BAD_RESPONSE', { httpStatus: 200, retryable: false }));
    expect(faults.hits(faultyId)).toBe(1);
  });

  it('JSON that breaks the schema is BAD_RESPONSE, not retried', async () => {
    const { item, faultyId } = await batchWith({ kind: 'wrong-shape' });
    expect(item).toMatchObject(providerError('BAD_RESPONSE', { retryable: false }));
    expect(faults.hits(faultyId)).toBe(1);
  });

  it('an oversized body, declared or streamed, is BAD_RESPONSE, not retried', async () => {
    const declared = await batchWith({ kind: 'oversized', bytes: 10_000, declared: true });
    expect(declared.item).toMatchObject(providerError('BAD_RESPONSE'));
    expect(faults.hits(declared.faultyId)).toBe(1);
    const streamed = await batchWith({ kind: 'oversized', bytes: 10_000, declared: false });
    expect(streamed.item).toMatchObject(providerError('BAD_RESPONSE'));
    expect(faults.hits(streamed.faultyId)).toBe(1);
  });

  it('one provider down: every D7 item is UNAVAILABLE, every Betatel item is right', async () => {
    const d7Ids = [freshD7Id(), freshD7Id(), freshD7Id()];
    for (const id of d7Ids) faults.script(id, { kind: 'reset' });
    const betatelIds = [BETATEL_SANDBOX.example, '01KA0000000000000000000007', '01KA0000000000000000000008'];
    const res = await h.query<{ messageStatuses: Item[] }>(QUERY, {
      refs: [...d7Ids.map((id) => ({ provider: 'D7', id })), ...betatelIds.map((id) => ({ provider: 'BETATEL', id }))],
    });
    expect(res.errors).toBeUndefined();
    const items = res.data!.messageStatuses;
    expect(items.slice(0, 3)).toEqual(d7Ids.map((id) => expect.objectContaining(providerError('UNAVAILABLE', { providerMessageId: id }))));
    expect(items.slice(3)).toEqual(betatelIds.map((uuid) => expect.objectContaining({ __typename: 'BetatelWdr', uuid, provider: 'BETATEL' })));
    for (const id of d7Ids) expect(faults.hits(id)).toBe(3);
  });

  it('100 concurrent requests for the same id make one upstream call', async () => {
    const id = freshD7Id();
    faults.script(id, { kind: 'ok', delayMs: 100 });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => h.query<{ messageStatuses: Item[] }>(QUERY, { refs: [{ provider: 'D7', id }] })),
    );
    for (const res of answers) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.messageStatuses).toEqual([expect.objectContaining({ __typename: 'D7Report', requestId: id, state: 'READ' })]);
    }
    expect(faults.hits(id)).toBe(1);
  });
});
