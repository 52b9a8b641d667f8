import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamEvent } from '../providers/http.js';
import { errorCodeLabel } from './labels.js';

export interface OperationEvent {
  /** A bounded label (see labels.ts), never a name straight from the client. */
  operation: string;
  type: string;
  durationMs: number;
  /** `extensions.code` of each GraphQL error in the result (empty on success). */
  errorCodes: readonly string[];
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * One Prometheus registry per app instance (no global default registry, so
 * several apps in one test process do not collide).
 *
 * Cache, in-flight sharing, breaker and bulkhead series are registered on
 * first use: the resilience layer calls these methods when it exists, and
 * until then /metrics shows no series that nothing feeds.
 */
export interface Metrics {
  readonly registry: Registry;
  requestStarted(): void;
  requestFinished(): void;
  operation(event: OperationEvent): void;
  /** A request to /graphql refused before its GraphQL parameters were read (malformed JSON, batch, CSRF, 415). */
  refused(status: number, code: string): void;
  upstream(event: UpstreamEvent): void;
  /** A status-service cache lookup for `provider`. */
  cacheLookup(provider: string, hit: boolean): void;
  /** A lookup that joined an upstream call already in flight instead of making its own. */
  sharedInFlight(provider: string): void;
  /** Registers a gauge read at scrape time: the breaker state of every provider. */
  observeBreakerStates(read: () => Record<string, BreakerState>): void;
  /** Registers a gauge read at scrape time: lookups waiting for a bulkhead slot, by provider. */
  observeBulkheadQueues(read: () => Record<string, number>): void;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const inFlight = new Gauge({ name: 'graphql_requests_in_flight', help: 'GraphQL HTTP requests being handled now', registers: [registry] });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, type and outcome (success, error)',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const operationSeconds = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from request arrival to response, per GraphQL operation',
    labelNames: ['operation', 'type'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'graphql_operation_errors_total',
    help: 'GraphQL errors in responses, by operation name and extensions.code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'graphql_requests_refused_total',
    help: 'Requests to /graphql refused before their GraphQL parameters were read, by HTTP status and extensions.code',
    labelNames: ['status', 'code'],
    registers: [registry],
  });
  const upstreamRequests = new Counter({
    name: 'upstream_requests_total',
    help: 'Requests to providers, by provider, outcome and HTTP status ("none" when no response arrived)',
    labelNames: ['provider', 'outcome', 'status'],
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Provider request latency, by provider and outcome',
    labelNames: ['provider', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  // Registered on first use (see the interface comment).
  let cache: Counter<'provider' | 'result'> | undefined;
  let shared: Counter<'provider'> | undefined;

  return {
    registry,
    requestStarted: () => inFlight.inc(),
    requestFinished: () => inFlight.dec(),
    operation(e) {
      const outcome = e.errorCodes.length > 0 ? 'error' : 'success';
      operations.inc({ operation: e.operation, type: e.type, outcome });
      operationSeconds.observe({ operation: e.operation, type: e.type }, e.durationMs / 1000);
      for (const code of e.errorCodes) operationErrors.inc({ operation: e.operation, code: errorCodeLabel(code) });
    },
    refused(status, code) {
      // A status is a three-digit number the server chose; the code is bounded like any other.
      refused.inc({ status: String(status), code: errorCodeLabel(code) });
    },
    upstream(e) {
      upstreamRequests.inc({ provider: e.provider, outcome: e.outcome, status: e.status === undefined ? 'none' : String(e.status) });
      upstreamSeconds.observe({ provider: e.provider, outcome: e.outcome }, e.durationMs / 1000);
    },
    cacheLookup(provider, hit) {
      cache ??= new Counter({
        name: 'status_cache_lookups_total',
        help: 'Status cache lookups, by provider and result (hit, miss)',
        labelNames: ['provider', 'result'],
        registers: [registry],
      });
      cache.inc({ provider, result: hit ? 'hit' : 'miss' });
    },
    sharedInFlight(provider) {
      shared ??= new Counter({
        name: 'upstream_shared_inflight_total',
        help: 'Lookups that joined an identical upstream call already in flight',
        labelNames: ['provider'],
        registers: [registry],
      });
      shared.inc({ provider });
    },
    observeBreakerStates(read) {
      new Gauge({
        name: 'upstream_breaker_state',
        help: 'Circuit breaker state by provider: 1 for the current state, 0 for the others',
        labelNames: ['provider', 'state'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [provider, current] of Object.entries(read())) {
            for (const state of BREAKER_STATES) this.set({ provider, state }, state === current ? 1 : 0);
          }
        },
      });
    },
    observeBulkheadQueues(read) {
      new Gauge({
        name: 'upstream_bulkhead_queue_length',
        help: 'Lookups waiting for a bulkhead slot, by provider',
        labelNames: ['provider'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [provider, length] of Object.entries(read())) this.set({ provider }, length);
        },
      });
    },
  };
}
