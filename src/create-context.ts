import type { GraphQLContext, ProviderDirectory } from './context.js';
import type { ItemTally } from './observability/request-scope.js';
import type { ClientLookupSlots } from './lookup/client-slots.js';
import { RequestDeadline } from './lookup/deadline.js';
import { StatusLoader, type LookupGuard } from './lookup/loader.js';
import type { StatusService } from './lookup/status-service.js';
import type { Subscriptions } from './subscriptions/subscription-requests.js';
import { AnswerMeter } from './security/answer-meter.js';
import type { Caller } from './security/scopes.js';

export interface ContextOptions {
  service: StatusService;
  providers: ProviderDirectory;
  live: Subscriptions;
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

/** One request's context: its own loader (deadline, batching, guard, client slots) and answer meter. */
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
    providers: options.providers,
    maxBatchSize: options.maxBatchSize,
    maxEntityRepresentations: options.maxEntityRepresentations,
    answer: new AnswerMeter(),
    items: options.items,
    caller: options.caller,
    live: options.live,
    request: options.request,
  };
}
