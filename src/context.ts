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
    loader: new StatusLoader(options.service, options.lookupConcurrency, AbortSignal.timeout(options.requestDeadlineMs), Date.now()),
    maxBatchSize: options.maxBatchSize,
  };
}
