import type { Plugin } from 'graphql-yoga';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Yoga chooses how to send a result only after executing it: a subscription whose request
 * accepts no media type that can carry a stream is answered 406, and its event stream, already
 * started, is never pulled nor returned. This ends such a stream at once. Subscriptions check
 * the Accept header before they start (src/http/accept.ts); this is for any way past that check.
 * Registered after yoga's result processors (they come before every app plugin), so it sees
 * whether one was chosen.
 */
export function useUnsentStreamsEnd(): Plugin {
  return {
    onResultProcess({ result, resultProcessor }) {
      if (resultProcessor || !isAsyncIterable(result)) return;
      void result[Symbol.asyncIterator]().return?.();
    },
  };
}
