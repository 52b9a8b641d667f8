import type { Context, Span } from '@opentelemetry/api';

/** Per-request facts gathered by the yoga plugin and the upstream observer. */
export interface RequestScope {
  requestId: string;
  /** performance.now() at arrival. */
  started: number;
  /** Epoch milliseconds at arrival. */
  startedAt: number;
  /** Provider HTTP requests made while handling this request. */
  upstreamCalls: number;
  /** The operation name as the client sent it (params) or as executed (document): not yet a label. */
  operationName?: unknown;
  operationType?: string;
  /** Set once the operation reached execution: only then may its name take a new label. */
  executed?: boolean;
  /** Set once the request turned out to be a GraphQL operation. */
  graphql: boolean;
  errorCodes: string[];
  /** The TCP peer, when the request came over a socket: whose log budget its refusal spends. */
  address?: string;
  /** Result items answered (a record or a typed problem) and the codes of those that failed: see ItemTally. */
  items: ItemTally;
  span?: Span;
  /** Parent for upstream spans: the operation span's context. */
  traceContext?: Context;
}

/**
 * What the items of one request came to, for its log line: a request whose items failed is
 * `partial` or `failed`, not `success`, though its answer has no GraphQL error.
 */
export interface ItemTally {
  answered: number;
  /** One code per failed item: a ProviderError's code (UNAVAILABLE, TIMEOUT...). */
  failedCodes: string[];
}

/**
 * The scope travels explicitly: from the yoga request (a WeakMap keyed by it) into the
 * GraphQL context, the loader and each upstream call it starts (UpstreamCall.trace). Not
 * AsyncLocalStorage: on Node 20 that installs promise hooks that tax every promise of the
 * process (about 9% of CPU under the benchmark load).
 */
export function isRequestScope(value: unknown): value is RequestScope {
  return typeof value === 'object' && value !== null && typeof (value as RequestScope).requestId === 'string' && typeof (value as RequestScope).upstreamCalls === 'number';
}
