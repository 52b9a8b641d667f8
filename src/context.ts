import { setMaxListeners } from 'node:events';
import { StatusLoader } from './status-loader.js';
import type { StatusService } from './status-service.js';

/** What every resolver receives; one per GraphQL request. */
export interface GraphQLContext {
  loader: StatusLoader;
  maxBatchSize: number;
}

export interface ContextOptions {
  service: StatusService;
  maxBatchSize: number;
  lookupConcurrency: number;
  /** This request's overall deadline; lookups still running then answer TIMEOUT. */
  requestDeadlineMs: number;
}

export function createContext(options: ContextOptions): GraphQLContext {
  return {
    loader: new StatusLoader(options.service, options.lookupConcurrency, requestDeadline(options.requestDeadlineMs), Date.now()),
    maxBatchSize: options.maxBatchSize,
  };
}

/**
 * The request's deadline. Every lookup of the request listens on it until it settles (up to
 * MAX_BATCH_SIZE at once), so Node's default cap of 10 listeners would only print a false
 * leak warning.
 */
function requestDeadline(ms: number): AbortSignal {
  const signal = AbortSignal.timeout(ms);
  setMaxListeners(0, signal);
  return signal;
}
