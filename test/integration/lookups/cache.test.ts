import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Long enough that two back-to-back requests land inside them even on a loaded machine.
const MOVING_TTL_MS = 1_000;
const NOT_FOUND_TTL_MS = 500;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CACHE_TTL_MOVING_MS: String(MOVING_TTL_MS), CACHE_TTL_NOT_FOUND_MS: String(NOT_FOUND_TTL_MS) } });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STATUS = /* GraphQL */ `
  query ($id: String!, $maxAge: Int) {
    messageStatus(provider: D7, id: $id, maxAge: $maxAge) {
      __typename
      ... on MessageStatus { state isFinal fetchedAt }
      ... on ProviderError { code }
    }
  }
`;
type Status = { messageStatus: { __typename: string; state?: string; isFinal?: boolean; fetchedAt?: string; code?: string } };
const status = async (id: string, maxAge?: number) => {
  const res = await h.query<Status>(STATUS, { id, maxAge });
  expect(res.errors).toBeUndefined();
  return res.data!.messageStatus;
};

let seq = 0;
/** A generated id no other test has used (its state is PENDING for 2 s: not final). */
const movingId = () => `00000000-0000-4000-a000-${String(++seq).padStart(12, '0')}`;

describe('status cache', () => {
  it('keeps a final state: the second request is answered from the cache with the same fetchedAt', async () => {
    const first = await status(D7_SANDBOX.example);
    expect(first).toMatchObject({ __typename: 'D7Report', state: 'READ', isFinal: true });
    await sleep(MOVING_TTL_MS + 50); // longer than a moving state lives
    const second = await status(D7_SANDBOX.example);
    expect(second.fetchedAt).toBe(first.fetchedAt);
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
  });

  it('maxAge: 0 forces a fresh call, with a newer fetchedAt; a generous maxAge uses the cache', async () => {
    const first = await status(D7_SANDBOX.example, 0);
    await sleep(5);
    const fresh = await status(D7_SANDBOX.example, 0);
    expect(Date.parse(fresh.fetchedAt!)).toBeGreaterThan(Date.parse(first.fetchedAt!));
    expect(h.simulator('D7').requests).toHaveLength(2);
    const cached = await status(D7_SANDBOX.example, 3600);
    expect(cached.fetchedAt).toBe(fresh.fetchedAt);
    expect(h.simulator('D7').requests).toHaveLength(2);
  });

  it('maxAge counts back from the request start: an entry a moment old satisfies maxAge 5, not maxAge 0', async () => {
    await status(D7_SANDBOX.example, 0);
    await sleep(50);
    await status(D7_SANDBOX.example, 5);
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
    await status(D7_SANDBOX.example, 0);
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example, D7_SANDBOX.example]);
  });

  it('keeps a moving state only briefly', async () => {
    const id = movingId();
    const first = await status(id);
    expect(first).toMatchObject({ state: 'PENDING', isFinal: false });
    await status(id);
    expect(h.simulator('D7').requests).toEqual([id]);
    await sleep(MOVING_TTL_MS + 50);
    await status(id);
    expect(h.simulator('D7').requests).toEqual([id, id]);
  });

  it('keeps not-found very briefly', async () => {
    expect(await status(D7_SANDBOX.notFound)).toMatchObject({ __typename: 'MessageNotFound' });
    expect(await status(D7_SANDBOX.notFound)).toMatchObject({ __typename: 'MessageNotFound' });
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.notFound]);
    await sleep(NOT_FOUND_TTL_MS + 50);
    await status(D7_SANDBOX.notFound);
    expect(h.simulator('D7').requests).toHaveLength(2);
  });

  it('never keeps a provider failure', async () => {
    expect(await status(D7_SANDBOX.serverError)).toMatchObject({ __typename: 'ProviderError', code: 'UNAVAILABLE' });
    expect(await status(D7_SANDBOX.serverError)).toMatchObject({ __typename: 'ProviderError', code: 'UNAVAILABLE' });
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.serverError, D7_SANDBOX.serverError]);
  });

  it('serves d7Report and messageStatus from the same entry, and maxAge works on d7Report too', async () => {
    const id = movingId();
    await status(id);
    const res = await h.query<{ a: { requestId: string }; b: { requestId: string } }>(
      `query ($id: ID!) { a: d7Report(requestId: $id) { requestId } b: d7Report(requestId: $id, maxAge: 0) { requestId } }`,
      { id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { requestId: id }, b: { requestId: id } });
    // `a` came from the cache; `b` demanded data newer than the request's start.
    expect(h.simulator('D7').requests).toEqual([id, id]);
  });

  it('refuses a negative maxAge as BAD_USER_INPUT without calling upstream', async () => {
    const res = await h.query(`{ betatelWdr(uuid: "01KA0000000000000000000003", maxAge: -1) { uuid } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'maxAge' });
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });
});
