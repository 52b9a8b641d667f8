import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EventStreamReader } from '../../../src/subscriptions/event-stream-reader.js';
import { clientError, resultsOf } from '../../../src/subscriptions/ws-relay.js';

/** A text/event-stream body that sends `chunks`, then stays open; `cancelled` once the reader cancels it. */
function body(chunks: string[]) {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('the graphql-ws relay', () => {
  it('masks any error graphql-ws would send as it is: no internal message, no stack', () => {
    const internal = new GraphQLError('ECONNRESET at /srv/app/src/live/relay.ts:42', { originalError: new Error('secret detail') });
    expect(clientError(internal)).toEqual({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('ends the relayed request and cancels the body when an event is over the cap, and says so with EVENT_TOO_LARGE', async () => {
    const { stream, cancelled } = body([`event: next\ndata: ${JSON.stringify({ data: { x: 'y'.repeat(200) } })}\n\n`]);
    let stopped = 0;
    const results = resultsOf(new EventStreamReader(stream, 100), () => (stopped += 1));
    const failure = await results.next().catch((error: unknown) => error as GraphQLError);
    expect(stopped).toBe(1);
    expect(cancelled()).toBe(true);
    // graphql-ws wraps what next() threw; the client sees our message and code only.
    expect(clientError(new GraphQLError((failure as GraphQLError).message, { originalError: failure as GraphQLError }))).toEqual({
      message: 'an event of this subscription is larger than 100 bytes, the most graphql-ws relays; select fewer fields or refs',
      extensions: { code: 'EVENT_TOO_LARGE', maxEventBytes: 100 },
    });
  });

  it('ends the relayed request on return() without waiting for the pending read', async () => {
    const { stream } = body([]);
    let stopped = 0;
    const results = resultsOf(new EventStreamReader(stream, 1_000), () => (stopped += 1));
    const pending = results.next();
    expect(await results.return!()).toEqual({ done: true, value: undefined });
    expect(stopped).toBe(1);
    void pending.catch(() => undefined);
  });
});
