import { AsyncLocalStorage } from 'node:async_hooks';
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
  span?: Span;
  /** Parent for upstream spans: the operation span's context. */
  traceContext?: Context;
}

/**
 * Carries the scope from the yoga request down to ProviderHttp's observer,
 * through resolvers and DataLoader batches, without threading it by hand.
 */
export const requestScope = new AsyncLocalStorage<RequestScope>();
