import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GraphQLFormattedError } from 'graphql';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { maskPhoneNumber } from '../../../src/security/mask.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Generated sandbox ids: their recipients are real-looking digits (the documented examples use `xxxx`).
const D7_ID = '11111111-1111-4111-8111-111111111111';
const BT_ID = '01KA0000000000000000000001';

const key = (name: string) => `${name}-key-0123456789abcdefghijkl`;
const COMBINATIONS: { name: string; scopes: string[] }[] = [
  { name: 'status', scopes: ['status:read'] },
  { name: 'pii', scopes: ['status:read', 'pii:read'] },
  { name: 'content', scopes: ['status:read', 'content:read'] },
  { name: 'all', scopes: ['status:read', 'pii:read', 'content:read'] },
  // Without status:read nothing can be looked up, whatever else the key holds.
  { name: 'nostatus', scopes: ['pii:read', 'content:read'] },
];

const QUERY = `query ($d7: ID!, $bt: ID!) {
  d7Report(requestId: $d7) { requestId messages { originator recipient } }
  betatelWdr(uuid: $bt) { uuid to text }
}`;

interface Answer {
  status: number;
  data?: { d7Report: { messages: { originator: string | null; recipient: string | null }[] } | null; betatelWdr: { to: string | null; text: string | null } | null } | null;
  errors?: GraphQLFormattedError[];
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: {
      API_KEYS: COMBINATIONS.map((c) => `${c.name}:${key(c.name)}:${c.scopes.join(' ')}`).join(','),
      ANONYMOUS_SCOPES: 'status:read',
    },
  });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

async function ask(headers: Record<string, string>, query = QUERY, variables: Record<string, unknown> = { d7: D7_ID, bt: BT_ID }): Promise<Answer> {
  const res = await h.post(JSON.stringify({ query, variables }), headers);
  return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) };
}

describe('scopes: every combination of pii:read and content:read (with status:read)', () => {
  let full: Answer;
  beforeAll(async () => {
    full = await ask({ 'x-api-key': key('all') });
  });

  it('the full-access answer has the raw values', () => {
    expect(full.errors).toBeUndefined();
    const message = full.data!.d7Report!.messages[0]!;
    expect(message.recipient).toMatch(/^\+91906\d{7}$/);
    expect(full.data!.betatelWdr!.to).toMatch(/^3876\d{8}$/);
    expect(full.data!.betatelWdr!.text).toMatch(/^\d{6}$/);
  });

  for (const combination of COMBINATIONS.slice(0, 4)) {
    const pii = combination.scopes.includes('pii:read');
    const content = combination.scopes.includes('content:read');
    it(`${combination.scopes.join(' ')}: phone numbers ${pii ? 'clear' : 'masked'}, text ${content ? 'visible' : 'null + FORBIDDEN'}`, async () => {
      const res = await ask({ 'x-api-key': key(combination.name) });
      expect(res.status).toBe(200);
      const fullMessages = full.data!.d7Report!.messages;
      res.data!.d7Report!.messages.forEach((m, i) => {
        const raw = fullMessages[i]!;
        expect(m.recipient).toBe(pii ? raw.recipient : maskPhoneNumber(raw.recipient!));
        expect(m.originator).toBe(pii ? raw.originator : maskPhoneNumber(raw.originator!));
        if (!pii) expect(m.recipient).toMatch(/^\+91\*{8}\d\d$/);
      });
      const wdr = res.data!.betatelWdr!;
      expect(wdr.to).toBe(pii ? full.data!.betatelWdr!.to : maskPhoneNumber(full.data!.betatelWdr!.to!));
      if (!pii) expect(wdr.to).toMatch(/^38\*{8}\d\d$/);
      if (content) {
        expect(wdr.text).toBe(full.data!.betatelWdr!.text);
        expect(res.errors).toBeUndefined();
      } else {
        expect(wdr.text).toBeNull();
        expect(res.errors).toHaveLength(1);
        expect(res.errors![0]).toMatchObject({ path: ['betatelWdr', 'text'], extensions: { code: 'FORBIDDEN', requiredScopes: ['content:read'] } });
        expect(JSON.stringify(res)).not.toContain(full.data!.betatelWdr!.text!);
      }
    });
  }

  it('anonymous (ANONYMOUS_SCOPES=status:read) sees the state, masked numbers and no text', async () => {
    const res = await ask({});
    expect(res.data!.d7Report!.messages[0]!.recipient).toMatch(/^\+91\*{8}\d\d$/);
    expect(res.data!.betatelWdr!.text).toBeNull();
    expect(res.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('masking and FORBIDDEN apply the same through messageStatuses, node and _entities', async () => {
    const res = await ask(
      { 'x-api-key': key('status') },
      `query ($d7: String!, $bt: String!, $node: ID!, $reps: [_Any!]!) {
        messageStatuses(refs: [{ provider: D7, id: $d7 }, { provider: BETATEL, id: $bt }]) { ... on D7Report { messages { recipient } } ... on BetatelWdr { to text } }
        node(id: $node) { ... on BetatelWdr { to } }
        _entities(representations: $reps) { ... on D7Report { messages { recipient } } }
      }`,
      { d7: D7_ID, bt: BT_ID, node: encodeGlobalId('BetatelWdr', BT_ID), reps: [{ __typename: 'D7Report', requestId: D7_ID }] },
    );
    const data = res.data as unknown as {
      messageStatuses: [{ messages: { recipient: string }[] }, { to: string; text: string | null }];
      node: { to: string };
      _entities: [{ messages: { recipient: string }[] }];
    };
    expect(data.messageStatuses[0].messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
    expect(data.messageStatuses[1].to).toMatch(/^38\*+\d\d$/);
    expect(data.messageStatuses[1].text).toBeNull();
    expect(data.node.to).toMatch(/^38\*+\d\d$/);
    expect(data._entities[0].messages[0]!.recipient).toMatch(/^\+91\*+\d\d$/);
    expect(res.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['messageStatuses', 1, 'text'], 'FORBIDDEN']]);
  });
});

describe('scopes: without status:read', () => {
  it('every root field is FORBIDDEN and nothing is sent upstream', async () => {
    const res = await ask({ 'x-api-key': key('nostatus') });
    expect(res.data).toEqual({ d7Report: null, betatelWdr: null });
    expect(res.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(res.errors![0]!.extensions).toMatchObject({ requiredScopes: ['status:read'] });
    expect(h.simulator('D7').requests).toEqual([]);
    expect(h.simulator('BETATEL').requests).toEqual([]);
  });

  it.each([
    ['messageStatuses', `{ messageStatuses(refs: [{ provider: D7, id: "${D7_ID}" }]) { __typename } }`, {}],
    ['node', `{ node(id: "${encodeGlobalId('D7Report', D7_ID)}") { id } }`, {}],
    ['_entities', 'query ($reps: [_Any!]!) { _entities(representations: $reps) { __typename } }', { reps: [{ __typename: 'D7Report', requestId: D7_ID }] }],
  ])('%s too', async (field, query, variables) => {
    const res = await ask({ 'x-api-key': key('nostatus') }, query, variables);
    // `_entities` answers per representation: the error is pathed to entity 0.
    expect(res.errors!.map((e) => [e.path![0], e.extensions?.code])).toEqual([[field, 'FORBIDDEN']]);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it('_service and __typename stay readable (the router composes with them)', async () => {
    const res = await ask({ 'x-api-key': key('nostatus') }, '{ __typename _service { sdl } }', {});
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ __typename: 'Query' });
  });
});
