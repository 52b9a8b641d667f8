import type { MessageStatusRecord } from './domain/message-status.js';
import { RequestDeadline } from './lookup/deadline.js';
import type { ClientLookupSlots } from './lookup/client-slots.js';
import { StatusLoader, type LookupGuard } from './lookup/loader.js';
import type { StatusService } from './lookup/status-service.js';
import type { LiveSubscriptions } from './live/subscriptions.js';
import { AnswerMeter } from './security/answer-meter.js';
import type { ItemTally } from './observability/request-scope.js';
import type { Caller } from './security/scopes.js';

/** The one way resolvers reach provider data: batched, deduplicated, cached and budgeted per request. */
export interface Lookups {
  /**
   * The record for a provider id in canonical form (ProviderModule.parseId), null when the
   * provider does not know it; rejects with ProviderFailure, or with the guard's GraphQL error.
   * `maxAgeSeconds`: no data obtained more than this long before the request began.
   */
  load(provider: string, id: string, maxAgeSeconds?: number): Promise<MessageStatusRecord | null>;
}

/** What every resolver receives; one per GraphQL request. */
export interface GraphQLContext {
  lookups: Lookups;
  maxBatchSize: number;
  /** Most representations in one `_entities` call (MAX_ENTITY_REPRESENTATIONS). */
  maxEntityRepresentations: number;
  /** Result items and value bytes of this operation's answer, for MAX_RESULT_ITEMS and MAX_RESPONSE_BYTES. */
  answer: AnswerMeter;
  /** What this request's items came to, for its log line (outcome partial or failed); absent outside a yoga request. */
  items?: ItemTally;
  /** Who is calling (src/security/): scope-auth reads its scopes. */
  caller: Caller;
  /** Subscriptions: admission and event streams over the shared watchers (src/live/). */
  live: LiveSubscriptions;
  /** The HTTP request (yoga's, or the graphql-ws relay's): a subscription reads its Accept header and its abort signal. */
  request: Request;
}

export interface ContextOptions {
  service: StatusService;
  live: LiveSubscriptions;
  request: Request;
  caller: Caller;
  maxBatchSize: number;
  maxEntityRepresentations: number;
  lookupConcurrency: number;
  /** Upstream lookups per client in flight at once, shared by its requests (LOOKUPS_IN_FLIGHT_PER_CLIENT). */
  clientSlots?: ClientLookupSlots;
  /** This request's overall deadline; lookups still waiting then answer TIMEOUT. */
  requestDeadlineMs: number;
  /** Checked before each distinct lookup (scope and per-operation budget). */
  guard?: LookupGuard;
  /** Per-request facts that travel with upstream calls (metrics, spans). */
  trace?: unknown;
  /** Where the request's item outcomes are counted (its request scope's). */
  items?: ItemTally;
}

export function createContext(options: ContextOptions): GraphQLContext {
  const startedAt = Date.now();
  return {
    lookups: new StatusLoader(options.service, {
      startedAt,
      deadline: new RequestDeadline(startedAt + options.requestDeadlineMs),
      concurrency: options.lookupConcurrency,
      guard: options.guard,
      trace: options.trace,
      slots: options.clientSlots && { shared: options.clientSlots, clientId: options.caller.id },
    }),
    maxBatchSize: options.maxBatchSize,
    maxEntityRepresentations: options.maxEntityRepresentations,
    answer: new AnswerMeter(),
    items: options.items,
    caller: options.caller,
    live: options.live,
    request: options.request,
  };
}
