import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { acceptsEventStream } from '../../../src/http/accept.js';
import { useUnsentStreamsEnd } from '../../../src/http/use-unsent-streams-end.js';

describe('acceptsEventStream: whether yoga could send a subscription for this Accept header', () => {
  it.each([
    [null, true],
    ['', true],
    ['*/*', true],
    ['text/*', true],
    ['text/event-stream', true],
    ['application/json, text/event-stream;q=0.5', true],
    ['TEXT/EVENT-STREAM; charset=UTF-8', true],
    ['application/json', false],
    ['application/graphql-response+json', false],
    ['multipart/mixed', false],
    ['text/event-stream; charset=latin1', false],
    ['text/html', false],
  ])('%j → %s', (accept, expected) => {
    expect(acceptsEventStream(accept)).toBe(expected);
  });
});

describe('useUnsentStreamsEnd', () => {
  it('returns a subscription stream that yoga answers 406 (no processor can send it), and leaves a sent one alone', async () => {
    let returned = 0;
    const schema = createSchema({
      typeDefs: 'type Query { a: Int } type Subscription { tick: Int }',
      resolvers: {
        Subscription: {
          tick: {
            subscribe: () => {
              const iterator: AsyncIterableIterator<{ tick: number }> = {
                [Symbol.asyncIterator]: () => iterator,
                next: () => new Promise(() => undefined),
                return: async () => {
                  returned += 1;
                  return { done: true, value: undefined };
                },
              };
              return iterator;
            },
          },
        },
      },
    });
    const yoga = createYoga({ schema, plugins: [useUnsentStreamsEnd()], logging: false });
    const ask = (accept: string) =>
      yoga.fetch('http://test.local/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query: 'subscription { tick }' }) });
    expect((await ask('application/json')).status).toBe(406);
    expect(returned).toBe(1);
    const sent = await ask('text/event-stream');
    expect(sent.status).toBe(200);
    expect(returned).toBe(1);
    await sent.body?.getReader().read();
  });
});
