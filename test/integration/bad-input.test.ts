import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageStatusesDocument } from '../../operations/generated/graphql.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

const nothingSent = () => expect(h.simulator('D7').requests.length + h.simulator('BETATEL').requests.length).toBe(0);

describe('bad input gets a clear error and sends nothing upstream', () => {
  const hostile = ['../etc/passwd', 'a%2Fb', 'id?x=1', 'id#frag', 'with space', 'ünïcödé', 'nul\u0000byte', 'x'.repeat(10_000)];

  it.each(['D7', 'BETATEL'] as const)('%s: hostile ids are InvalidMessageId', async (provider) => {
    const refs = hostile.map((id) => ({ provider, id }));
    const res = await h.run(MessageStatusesDocument, { refs });
    expect(res.errors).toBeUndefined();
    const items = res.data!.messageStatuses;
    expect(items.map((i) => i.__typename)).toEqual(hostile.map(() => 'InvalidMessageId'));
    items.forEach((item, i) => expect(item).toMatchObject({ providerMessageId: hostile[i], retryable: false }));
    // The message quotes a long id only in part.
    expect((items.at(-1) as { message: string }).message.length).toBeLessThan(300);
    nothingSent();
  });

  it('an unknown provider value is a validation error', async () => {
    const res = await h.query('query($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename } }', {
      refs: [{ provider: 'TWILIO', id: 'abc' }],
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/TWILIO/);
    nothingSent();
  });

  it('a malformed JSON body is a 400 with a clear message', async () => {
    const res = await h.post('{"query": "{ __typename }"');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/JSON/i);
    nothingSent();
  });

  it('a request without a query is a 400', async () => {
    const res = await h.post(JSON.stringify({ variables: {} }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/query/i);
  });

  it('an invalid document is a 400 naming the problem', async () => {
    const res = await h.query('{ messageStatus(provider: D7) { __typename } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/argument "id"/);
    nothingSent();
  });
});
