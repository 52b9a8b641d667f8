import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { sortSdl } from '../../../scripts/sort-sdl.js';
import { MessageStatusesDocument } from '../../../operations/generated/graphql.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const D7_A = '11111111-1111-4111-8111-111111111111';
const D7_B = '22222222-2222-4222-8222-222222222222';
const BT_A = '01KA0000000000000000000001';
const BT_B = '01KA0000000000000000000002';

let h: Harness;
beforeAll(async () => {
  // Cache off: these tests count what the per-request loaders send upstream (test/integration/lookups/cache.test.ts covers the cache).
  h = await startHarness({ env: { MAX_BATCH_SIZE: '12', CACHE_MAX_ENTRIES: '0' } });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

const upstreamCalls = () => h.simulator('D7').requests.length + h.simulator('BETATEL').requests.length;

describe('messageStatuses', () => {
  it('makes exactly one GET per distinct id: 10 refs naming 4 ids make 4 requests', async () => {
    const refs = [
      { provider: 'D7', id: D7_A },
      { provider: 'BETATEL', id: BT_A },
      { provider: 'D7', id: D7_A },
      { provider: 'D7', id: D7_B },
      { provider: 'BETATEL', id: BT_B },
      { provider: 'D7', id: D7_A.toUpperCase() }, // same id, other spelling
      { provider: 'BETATEL', id: BT_A.toLowerCase() },
      { provider: 'D7', id: D7_B },
      { provider: 'BETATEL', id: BT_B },
      { provider: 'BETATEL', id: BT_A },
    ] as const;
    const res = await h.run(MessageStatusesDocument, { refs: [...refs] });
    expect(res.errors).toBeUndefined();
    const items = res.data!.messageStatuses;
    expect(items).toHaveLength(10);
    expect(items.map((i) => i.__typename)).toEqual(refs.map((r) => (r.provider === 'D7' ? 'D7Report' : 'BetatelWdr')));
    expect([...h.simulator('D7').requests].sort()).toEqual([D7_A, D7_B]);
    expect([...h.simulator('BETATEL').requests].sort()).toEqual([BT_A, BT_B]);
    expect(upstreamCalls()).toBe(4);
  });

  it('answers a mixed batch in order, one typed outcome per ref', async () => {
    const refs = [
      { provider: 'D7', id: D7_SANDBOX.example },
      { provider: 'BETATEL', id: 'not-a-ulid' },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.example },
      { provider: 'D7', id: D7_SANDBOX.notFound },
      { provider: 'D7', id: D7_SANDBOX.serverError },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.rateLimited },
      { provider: 'D7', id: '' },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.malformedJson },
    ] as const;
    const res = await h.run(MessageStatusesDocument, { refs: [...refs] });
    expect(res.errors).toBeUndefined();
    const items = res.data!.messageStatuses;
    expect(items.map((i) => i.__typename)).toEqual([
      'D7Report',
      'InvalidMessageId',
      'BetatelWdr',
      'MessageNotFound',
      'ProviderError',
      'ProviderError',
      'InvalidMessageId',
      'ProviderError',
    ]);
    // Every error echoes the ref it answers, as sent.
    items.forEach((item, i) => {
      if ('providerMessageId' in item) expect(item.providerMessageId.toUpperCase()).toBe(refs[i]!.id.toUpperCase());
      if ('provider' in item) expect(item.provider).toBe(refs[i]!.provider);
    });
    expect(items[4]).toMatchObject({ code: 'UNAVAILABLE', retryable: true, httpStatus: 500 });
    expect(items[5]).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 7 });
    expect(items[7]).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
    // The two invalid ids never left the service.
    expect(upstreamCalls()).toBe(6);
  });

  it('rejects a batch over MAX_BATCH_SIZE as a whole with BATCH_TOO_LARGE, and sends nothing', async () => {
    const refs = Array.from({ length: 13 }, (_, i) => ({ provider: 'D7' as const, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    const res = await h.run(MessageStatusesDocument, { refs });
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BATCH_TOO_LARGE', maxBatchSize: 12 });
    expect(res.errors?.[0]?.message).toMatch(/at most 12 refs per call; got 13/);
    expect(upstreamCalls()).toBe(0);
  });

  it('shares one loader across root fields and aliases in the same operation', async () => {
    const res = await h.query(
      `query($a: ID!, $b: String!) {
        one: d7Report(requestId: $a) { requestId }
        two: messageStatus(provider: D7, id: $b) { __typename }
        three: messageStatuses(refs: [{ provider: D7, id: $b }]) { __typename }
      }`,
      { a: D7_A, b: D7_A },
    );
    expect(res.errors).toBeUndefined();
    expect(h.simulator('D7').requests).toEqual([D7_A]);
  });
});

describe('federation _entities', () => {
  const entities = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on MessageStatus { id provider providerMessageId state }
    }
  }`;

  it('batches 6 representations of 3 distinct ids into 3 upstream lookups', async () => {
    const representations = [
      { __typename: 'D7Report', requestId: D7_A },
      { __typename: 'BetatelWdr', uuid: BT_A },
      { __typename: 'D7Report', requestId: D7_A },
      { __typename: 'D7Report', id: encodeGlobalId('D7Report', D7_B) },
      { __typename: 'BetatelWdr', id: encodeGlobalId('BetatelWdr', BT_A) },
      { __typename: 'D7Report', requestId: D7_B },
    ];
    const res = await h.query<{ _entities: { __typename: string; providerMessageId: string }[] }>(entities, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e.providerMessageId)).toEqual([D7_A, BT_A, D7_A, D7_B, BT_A, D7_B]);
    expect(upstreamCalls()).toBe(3);
  });

  it('resolves the MessageStatus entity interface by global id to the right type', async () => {
    const representations = [
      { __typename: 'MessageStatus', id: encodeGlobalId('BetatelWdr', BETATEL_SANDBOX.example) },
      { __typename: 'MessageStatus', id: encodeGlobalId('D7Report', D7_SANDBOX.example) },
    ];
    const res = await h.query<{ _entities: { __typename: string; state: string }[] }>(entities, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toMatchObject([
      { __typename: 'BetatelWdr', state: 'DELIVERED' },
      { __typename: 'D7Report', state: 'READ' },
    ]);
    expect(upstreamCalls()).toBe(2);
  });

  it('gives null plus an error for a failing, missing or malformed entity without failing its neighbours', async () => {
    const representations = [
      { __typename: 'D7Report', requestId: D7_SANDBOX.example },
      { __typename: 'D7Report', requestId: D7_SANDBOX.serverError },
      { __typename: 'D7Report', requestId: D7_SANDBOX.notFound },
      { __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.example },
      { __typename: 'D7Report', requestId: null },
    ];
    const res = await h.query<{ _entities: ({ providerMessageId: string } | null)[] }>(entities, { representations });
    expect(res.data!._entities.map((e) => e?.providerMessageId ?? null)).toEqual([D7_SANDBOX.example, null, null, BETATEL_SANDBOX.example, null]);
    const errors = res.errors!.map((e) => ({ path: e.path, code: e.extensions?.code })).sort((a, b) => Number(a.path?.[1]) - Number(b.path?.[1]));
    expect(errors).toEqual([
      { path: ['_entities', 1], code: 'UNAVAILABLE' },
      { path: ['_entities', 2], code: 'NOT_FOUND' },
      { path: ['_entities', 4], code: 'BAD_USER_INPUT' },
    ]);
    expect([...h.simulator('D7').requests].sort()).toEqual([D7_SANDBOX.example, D7_SANDBOX.notFound, D7_SANDBOX.serverError].sort());
  });

  it('answers a representation without its key with an error for it alone', async () => {
    const representations = [
      { __typename: 'MessageStatus', id: encodeGlobalId('D7Report', D7_A) },
      { __typename: 'MessageStatus' },
      { __typename: 'D7Report' },
      { __typename: 'BetatelWdr', id: 42 },
      { __typename: 'BetatelWdr', uuid: BT_A },
    ];
    const res = await h.query<{ _entities: ({ providerMessageId: string } | null)[] }>(entities, { representations });
    expect(res.data!._entities.map((e) => e?.providerMessageId ?? null)).toEqual([D7_A, null, null, null, BT_A]);
    expect(res.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
      [['_entities', 3], 'BAD_USER_INPUT'],
    ]);
    expect(upstreamCalls()).toBe(2);
  });

  it('advertises through _service the schema committed in schema.graphql', async () => {
    // A router that introspects the running service must see what was published.
    const res = await h.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(sortSdl(res.data!._service.sdl)).toBe(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));
  });

  it('publishes the SDL with both keys on each entity through _service', async () => {
    const res = await h.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = res.data!._service.sdl;
    expect(sdl).toMatch(/type D7Report implements Node & MessageStatus\s+@key\(fields: "requestId"\)\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type BetatelWdr implements Node & MessageStatus\s+@key\(fields: "uuid"\)\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/interface MessageStatus implements Node\s+@key\(fields: "id"\)/);
  });
});
