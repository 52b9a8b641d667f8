import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrongness, type Item, type Ref } from '../../../bench/chaos-check.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// The chaos run's "wrong answers" figure is only worth something if the check can fail.
const QUERY = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
      ... on MessageStatus { provider providerMessageId state isFinal fetchedAt }
      ... on D7Report { requestId messages { msgId recipient status state } }
      ... on BetatelWdr { uuid to whatsappMessageId status }
      ... on LookupError { provider providerMessageId retryable }
      ... on ProviderError { code }
    }
  }
`;

const D7_ID = '33333333-3333-4333-8333-333333333333';
const BT_ID = '01KC0000000000000000000009';
const refs: Ref[] = [
  { provider: 'D7', id: D7_ID },
  { provider: 'BETATEL', id: BT_ID },
  { provider: 'D7', id: D7_SANDBOX.example },
  { provider: 'D7', id: D7_SANDBOX.notFound },
  { provider: 'BETATEL', id: BETATEL_SANDBOX.serverError },
];

let h: Harness;
let items: Item[];
beforeAll(async () => {
  h = await startHarness();
  const res = await h.query<{ messageStatuses: Item[] }>(QUERY, { refs });
  items = res.data!.messageStatuses;
});
afterAll(() => h.close());

describe('chaos answer check', () => {
  it('accepts the true answers of the simulators', () => {
    expect(refs.map((ref, i) => wrongness(ref, items[i]))).toEqual(refs.map(() => undefined));
  });

  it('flags answers that are wrong in each way it is meant to catch', () => {
    const [d7, betatel, example, notFound] = items as [Item, Item, Item, Item];
    const d7Messages = d7.messages as Record<string, unknown>[];
    expect(wrongness(refs[0]!, { ...d7, requestId: D7_SANDBOX.example })).toMatch(/requestId/);
    expect(wrongness(refs[0]!, { ...d7, providerMessageId: D7_SANDBOX.example })).toMatch(/providerMessageId/);
    expect(wrongness(refs[0]!, { ...d7, messages: d7Messages.map((m) => ({ ...m, state: 'READ', status: 'sent' })) })).toMatch(/state/);
    expect(wrongness(refs[0]!, { ...d7, state: 'EXPIRED' })).toMatch(/state/);
    expect(wrongness(refs[0]!, { ...d7, messages: [...d7Messages, d7Messages[0]] })).toMatch(/messages/);
    expect(wrongness(refs[1]!, { ...betatel, to: '38700000000' })).toMatch(/to/);
    expect(wrongness(refs[1]!, { ...betatel, provider: 'D7' })).toMatch(/provider/);
    expect(wrongness(refs[1]!, { ...betatel, state: 'READ', status: 'SENT' })).toMatch(/state/);
    expect(wrongness(refs[0]!, betatel)).toBeDefined();
    expect(wrongness(refs[2]!, { ...example, state: 'DELIVERED' })).toMatch(/example/);
    expect(wrongness(refs[0]!, { ...notFound, providerMessageId: D7_ID })).toMatch(/MessageNotFound/);
    expect(wrongness(refs[3]!, { ...d7, providerMessageId: D7_SANDBOX.notFound })).toMatch(/only has errors/);
    expect(wrongness(refs[4]!, { ...betatel, providerMessageId: BETATEL_SANDBOX.serverError })).toMatch(/only has errors/);
    expect(wrongness(refs[0]!, undefined)).toMatch(/missing/);
  });
});
