import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { EventTooLarge, type EventStreamReader } from './event-stream-reader.js';

/** A failure of the relay that a client may read: its message and code are ours. */
class RelayFailure extends GraphQLError {}

function relayFailure(error: unknown): RelayFailure {
  if (error instanceof EventTooLarge) {
    return new RelayFailure(`an event of this subscription is larger than ${error.maxEventBytes} bytes, the most graphql-ws relays; select fewer fields or refs`, {
      extensions: { code: 'EVENT_TOO_LARGE', maxEventBytes: error.maxEventBytes },
    });
  }
  return new RelayFailure('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** What an `error` message carries: a relay failure as it is, anything else as yoga masks it. */
export function clientError(error: GraphQLError): GraphQLFormattedError {
  const own = error instanceof RelayFailure ? error : error.originalError instanceof RelayFailure ? error.originalError : undefined;
  if (own) return { message: own.message, extensions: { ...own.extensions } };
  return { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * The `next` events of one relayed operation as results; ends at `complete`. Returning it, or a
 * failure reading it, cancels the relay: `stop` aborts the relayed request, which ends the
 * subscription behind it at once. (graphql-ws does not return an iterator whose `next` threw,
 * and cancelling the body alone waits for the body's pending read, i.e. the next event.)
 */
export function resultsOf(events: EventStreamReader, stop: () => void): AsyncIterableIterator<ExecutionResult> {
  const fail = (error: unknown): never => {
    stop();
    void events.return();
    throw relayFailure(error);
  };
  const iterator: AsyncIterableIterator<ExecutionResult> & { throw(error: unknown): Promise<IteratorResult<ExecutionResult>> } = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      for (;;) {
        let step: IteratorResult<{ event: string; data: string }>;
        try {
          step = await events.next();
        } catch (error) {
          return fail(error);
        }
        if (step.done || step.value.event === 'complete') {
          stop();
          await events.return();
          return { done: true, value: undefined };
        }
        if (step.value.event !== 'next') continue;
        try {
          return { done: false, value: JSON.parse(step.value.data) as ExecutionResult };
        } catch (error) {
          return fail(error);
        }
      }
    },
    async return() {
      stop();
      void events.return();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      stop();
      void events.return();
      throw error;
    },
  };
  return iterator;
}
