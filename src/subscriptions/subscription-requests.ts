// What resolvers and subscriptions agree on: the request a `messageStatusChanged` resolver hands
// over, what its stream yields, and how it is refused. A leaf (types and one error class), so the
// request context names subscriptions without importing the live path that serves them.
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { Caller } from '../security/scopes.js';
import type { SubscriptionRefusal } from './metrics.js';

/** One ref of a subscription, as the live path needs it. */
export interface StreamRef<P> {
  /** The message to watch, in canonical form; undefined when the ref can never change (an invalid id). */
  message: { provider: string; id: string } | undefined;
  /** Looks up the current answer for this ref (a record or a typed problem); called once the subscription is admitted. */
  initial(): Promise<MessageStatusRecord | P>;
}

/** What a subscription's stream yields: a record, or a typed problem of one ref. */
export type StreamItem<P> = MessageStatusRecord | P;

/** The response that would carry a subscription's events. */
export interface Delivery {
  /** Whether it can carry a stream at all (its `Accept` allows text/event-stream); if not, it would be a 406. */
  canStream: boolean;
  /** Aborts when the client is gone (yoga's request signal: the node adapter aborts it when the socket closes). */
  clientGone?: AbortSignal;
}

export interface OpenRequest<P> {
  caller: Caller;
  refs: readonly StreamRef<P>[];
  /** The server's MAX_BATCH_SIZE: a subscription watches at most as many refs as a batch looks up. */
  maxRefs: number;
  isFinalProblem(problem: P): boolean;
  delivery: Delivery;
}

/** A subscription refused before it started; the GraphQL layer turns it into an error with `code`. */
export class SubscriptionRefused extends Error {
  constructor(
    readonly code: SubscriptionRefusal,
    message: string,
    readonly details: Record<string, number> = {},
    /** The HTTP status of the answer, when not yoga's default for a GraphQL error. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'SubscriptionRefused';
  }
}

/** What resolvers ask of subscriptions (LiveSubscriptions): admission, then the event stream. */
export interface Subscriptions {
  /** The event stream of one subscription; throws SubscriptionRefused saying why not. */
  start<P>(request: OpenRequest<P>): AsyncIterableIterator<StreamItem<P>>;
}
