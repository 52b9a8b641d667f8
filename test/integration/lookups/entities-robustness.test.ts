import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { createLogger } from '../../../src/logger.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Issue 11: one `_entities` request from any caller could end the process.
// Most of the property's 120 runs hold a slow id, so each waits out the deadline: kept short.
const DEADLINE_MS = 500;
const SLOW_MS = DEADLINE_MS + 400;
let h: Harness;
const logLines: { level: number; msg: string }[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => void (logLines.push(JSON.parse(chunk.toString()) as { level: number; msg: string }), done()) });
  h = await startHarness({
    // The slow ids answer after the deadline: their calls finish after the response was sent.
    simulator: { slowMs: SLOW_MS },
    env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), BREAKER_THRESHOLD: '1000', RETRY_MAX: '0', RATE_LIMIT_PER_MINUTE: '0', MAX_UPSTREAM_LOOKUPS_PER_OPERATION: '1000' },
    deps: { logger: createLogger({ level: 'info', pretty: false, destination: sink }) },
  });
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await h.close();
});
beforeEach(() => {
  logLines.length = 0;
});

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename ... on MessageStatus { providerMessageId state } }
}`;
type EntitiesAnswer = { _entities: ({ providerMessageId: string } | null)[] };

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stillServes(): Promise<void> {
  const res = await h.query<{ d7Report: { state: string } }>(`{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
  expect(res.status).toBe(200);
  expect(res.data?.d7Report.state).toBe('READ');
}

describe('_entities answers every representation on its own', () => {
  it('a failing lookup beside a representation the federation library rejects: per-item errors, and the process lives on', async () => {
    const res = await h.query<EntitiesAnswer>(ENTITIES, { representations: [{ __typename: 'D7Report', requestId: D7_SANDBOX.serverError }, 'junk'] });
    expect(res.status).toBe(200);
    expect(res.data?._entities).toEqual([null, null]);
    const codes = res.errors!.map((e) => [e.path?.[1], e.extensions?.code]).sort();
    expect(codes).toEqual([
      [0, 'UNAVAILABLE'],
      [1, 'BAD_USER_INPUT'],
    ]);
    await settle(50);
    expect(rejections).toEqual([]);
    await stillServes();
  });

  it('the slow id beside a malformed representation: TIMEOUT for it, and nothing happens when its call finishes later', async () => {
    const res = await h.query<EntitiesAnswer>(ENTITIES, { representations: [{ __typename: 'D7Report', requestId: D7_SANDBOX.slow }, 42, { __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.unauthorized }] });
    expect(res.errors!.map((e) => [e.path?.[1], e.extensions?.code]).sort()).toEqual([
      [0, 'TIMEOUT'],
      [1, 'BAD_USER_INPUT'],
      [2, 'UNAUTHORIZED'],
    ]);
    await settle(SLOW_MS + 100);
    expect(rejections).toEqual([]);
    await stillServes();
  });

  it.each([
    ['an unknown __typename', { __typename: 'Nope', id: 'x' }],
    ['__typename "__proto__"', { __typename: '__proto__', id: 'x' }],
    ['__typename "constructor"', { __typename: 'constructor', requestId: D7_SANDBOX.example }],
    ['a type that is no entity', { __typename: 'D7Message', msgId: 'x' }],
    ['a number __typename', { __typename: 42, requestId: D7_SANDBOX.example }],
    ['a missing __typename', { requestId: D7_SANDBOX.example }],
    ['a string', 'junk'],
    ['a number', 42],
    ['an array', [{ __typename: 'D7Report', requestId: D7_SANDBOX.example }]],
    ['an object key that is an object', { __typename: 'D7Report', requestId: { toString: 'x' } }],
  ])('%s is null plus BAD_USER_INPUT for that entity alone; valid neighbours keep their data; no error is logged', async (_name, bad) => {
    const res = await h.query<EntitiesAnswer>(ENTITIES, {
      representations: [{ __typename: 'D7Report', requestId: D7_SANDBOX.example }, bad, { __typename: 'MessageStatus', id: encodeGlobalId('BetatelWdr', BETATEL_SANDBOX.example) }],
    });
    expect(res.status).toBe(200);
    expect(res.data?._entities.map((e) => e?.providerMessageId ?? null)).toEqual([D7_SANDBOX.example, null, BETATEL_SANDBOX.example]);
    expect(res.errors).toEqual([expect.objectContaining({ path: ['_entities', 1], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(res.errors![0]!.message).not.toMatch(/Unexpected error/);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('one bad argument does not wipe its siblings', () => {
  it('a negative maxAge on messageStatus is an InvalidArgument for that field; the other fields keep their data', async () => {
    h.resetCounts();
    const res = await h.query<{ ok: { state: string }; bad: { __typename: string; argumentName: string; providerMessageId: string } }>(`{
      ok: d7Report(requestId: "${D7_SANDBOX.mixed}") { state }
      bad: messageStatus(provider: D7, id: "${D7_SANDBOX.example}", maxAge: -1) { __typename ... on InvalidArgument { argumentName providerMessageId } }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ ok: { state: 'UNKNOWN' }, bad: { __typename: 'InvalidArgument', argumentName: 'maxAge', providerMessageId: D7_SANDBOX.example } });
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.mixed]);
  });

  it('messageStatuses with a negative maxAge answers every ref with InvalidArgument; d7Report gives BAD_USER_INPUT for itself alone', async () => {
    h.resetCounts();
    const res = await h.query<{ many: { __typename: string }[]; one: null; ok: { state: string } }>(`{
      many: messageStatuses(refs: [{ provider: D7, id: "${D7_SANDBOX.example}" }, { provider: BETATEL, id: "${BETATEL_SANDBOX.example}" }], maxAge: -5) { __typename }
      one: d7Report(requestId: "${D7_SANDBOX.example}", maxAge: -1) { state }
      ok: betatelWdr(uuid: "${BETATEL_SANDBOX.example}") { state }
    }`);
    expect(res.data).toEqual({ many: [{ __typename: 'InvalidArgument' }, { __typename: 'InvalidArgument' }], one: null, ok: { state: 'DELIVERED' } });
    expect(res.errors).toEqual([expect.objectContaining({ path: ['one'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'maxAge' }) })]);
    expect(h.simulator('D7').requests).toEqual([]);
  });
});

/** Representations of every kind: good, failing (401, 429, 500, slow, not found, malformed bodies) and malformed themselves. */
const goodOrFailingD7 = fc.constantFrom(D7_SANDBOX.example, D7_SANDBOX.serverError, D7_SANDBOX.unauthorized, D7_SANDBOX.rateLimited, D7_SANDBOX.slow, D7_SANDBOX.notFound, D7_SANDBOX.malformedJson, D7_SANDBOX.wrongShape);
const goodOrFailingBetatel = fc.constantFrom(BETATEL_SANDBOX.example, BETATEL_SANDBOX.serverError, BETATEL_SANDBOX.slow, BETATEL_SANDBOX.rateLimited, BETATEL_SANDBOX.wrongShape);
const representation = fc.oneof(
  goodOrFailingD7.map((requestId) => ({ __typename: 'D7Report', requestId })),
  goodOrFailingBetatel.map((uuid) => ({ __typename: 'BetatelWdr', uuid })),
  goodOrFailingD7.map((id) => ({ __typename: 'MessageStatus', id: encodeGlobalId('D7Report', id) })),
  goodOrFailingBetatel.map((id) => ({ __typename: 'D7Report', id: encodeGlobalId('BetatelWdr', id) })),
  fc.record({ __typename: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'Query', '_Entity', 'D7Message', 'LookupError', 'toString')), id: fc.string() }),
  fc.record({ __typename: fc.constantFrom('D7Report', 'BetatelWdr', 'MessageStatus'), requestId: fc.anything(), uuid: fc.anything(), id: fc.anything() }, { requiredKeys: ['__typename'] }),
  fc.anything(),
);

describe('hostile mixes (fast-check)', () => {
  it('_entities and node never answer 5xx or INTERNAL_SERVER_ERROR, and the process still serves after the slow calls finish', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(representation, { maxLength: 12 }), fc.array(fc.oneof(fc.string(), goodOrFailingD7.map((id) => encodeGlobalId('D7Report', id))), { maxLength: 3 }), async (representations, nodeIds) => {
        // `null` is no `_Any!`: the request is refused as a whole (400), which is the GraphQL contract.
        const reps = representations.filter((r) => r !== null && r !== undefined);
        const res = await h.query(ENTITIES, { representations: reps });
        expect(res.status).toBeLessThan(500);
        for (const e of res.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        if (res.status === 200) expect((res.data as EntitiesAnswer)._entities).toHaveLength(reps.length);
        for (const id of nodeIds) {
          const node = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
          expect(node.status).toBeLessThan(500);
          for (const e of node.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        }
      }),
      { numRuns: 120 },
    );
    await settle(SLOW_MS + 200);
    expect(rejections).toEqual([]);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
    await stillServes();
  }, 120_000);
});
