import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveMetrics, WsMetrics } from '../subscriptions/metrics.js';
import type { BulkheadLoad, LaneLimit, LookupMetrics, ProviderLookupMetrics } from '../lookup/status-service.js';
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
export interface Metrics extends LookupMetrics, LiveMetrics, WsMetrics {
  readonly registry: Registry;
  requestStarted(): void;
  requestFinished(): void;
  operation(event: OperationEvent): void;
  /** A request to /graphql refused before its GraphQL parameters were read (malformed JSON, batch, CSRF, 415). */
  refused(status: number, code: string): void;
  upstream(event: UpstreamEvent): void;
  /** An unhandled promise rejection (a bug; see src/process-guards.ts). */
  unhandledRejection(): void;
  /** The lookup layer's counters of one provider, bound once (cache, sharing, wrong message, regressions). */
  forProvider(provider: string): ProviderLookupMetrics;
  /** Registers a gauge read at scrape time: the breaker state (Closed, Open, HalfOpen) of every provider. */
  observeBreakerStates(read: () => Record<string, string>): void;
  /** Registers gauges read at scrape time: bulkhead calls waiting and under way, by provider and lane (interactive, poll). */
  observeBulkheads(read: () => BulkheadLoad[]): void;
  /** Registers a gauge read at scrape time: each lane's slots now (the adaptive limit), by provider and lane. */
  observeLaneLimits(read: () => LaneLimit[]): void;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];
const BREAKER_NAMES: Record<string, BreakerState> = { Closed: 'closed', Open: 'open', HalfOpen: 'half_open' };

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

  const rejections = new Counter({
    name: 'unhandled_rejections_total',
    help: 'Unhandled promise rejections (bugs: logged at error level; the process keeps serving)',
    registers: [registry],
  });

  // Children bound per label set: the labels object is built once, not per upstream call
  // (prom-client 15 still hashes it on every inc/observe: 1.9% of S's CPU in the last profile).
  // Statuses and outcomes are bounded sets.
  const upstreamChildren = new Map<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>();

  // Registered on first use (see the interface comment).
  let lookupCounters:
    | { cache: Counter<'provider' | 'result'>; shared: Counter<'provider'>; wrong: Counter<'provider'>; regressions: Counter<'provider'> }
    | undefined;
  const lookups = () =>
    (lookupCounters ??= {
      cache: new Counter({ name: 'status_cache_lookups_total', help: 'Status cache lookups, by provider and result (hit, miss)', labelNames: ['provider', 'result'], registers: [registry] }),
      shared: new Counter({ name: 'upstream_shared_inflight_total', help: 'Lookups that joined an identical upstream call already in flight', labelNames: ['provider'], registers: [registry] }),
      wrong: new Counter({
        name: 'upstream_wrong_message_total',
        help: 'Provider answers about another message than the one asked for, refused as BAD_RESPONSE',
        labelNames: ['provider'],
        registers: [registry],
      }),
      regressions: new Counter({
        name: 'status_regressions_total',
        help: 'Provider answers, newer than what was known, that went backwards; what was known was kept',
        labelNames: ['provider'],
        registers: [registry],
      }),
    });

  // Live path: always registered (0 is a meaningful value for a gauge of open subscriptions).
  const subscriptionsOpen = new Gauge({ name: 'graphql_subscriptions_open', help: 'GraphQL subscriptions open now, over SSE and graphql-ws', registers: [registry] });
  const subscriptionsRefused = new Counter({
    name: 'graphql_subscriptions_refused_total',
    help: 'Subscriptions refused before they started, by reason (NOT_ACCEPTABLE, BATCH_TOO_LARGE, TOO_MANY_SUBSCRIPTIONS, CLIENT_WATCHER_LIMIT, WATCHER_LIMIT, UNAUTHENTICATED)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const watchersActive = new Gauge({ name: 'status_watchers_active', help: 'Messages watched now (one watcher per message, shared by its subscribers)', registers: [registry] });
  const watcherPolls = new Counter({
    name: 'status_watcher_polls_total',
    help: 'Polls made by watchers, by provider and outcome (changed, unchanged, error)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const watcherLeases = new Counter({
    name: 'status_watcher_leases_total',
    help: 'With several replicas (REDIS_URL): tries to take a watcher lease, by outcome (won, held: another replica polls, unavailable: polled here), and leases found lost on renewal',
    labelNames: ['outcome'],
    registers: [registry],
  });

  const wsSockets = new Gauge({ name: 'graphql_ws_sockets_open', help: 'graphql-ws sockets open now (before connection_init included)', registers: [registry] });
  const wsLimited = new Counter({
    name: 'graphql_ws_sockets_limited_total',
    help: 'graphql-ws sockets this server closed by its limits, by reason (too_many_sockets: past MAX_WS_SOCKETS_PER_CLIENT; idle: no subscription for WS_IDLE_TIMEOUT_MS)',
    labelNames: ['reason'],
    registers: [registry],
  });

  return {
    registry,
    wsSocketOpened: () => wsSockets.inc(),
    wsSocketClosed: () => wsSockets.dec(),
    wsSocketLimited: (reason) => wsLimited.inc({ reason }),
    subscriptionOpened: () => subscriptionsOpen.inc(),
    subscriptionClosed: () => subscriptionsOpen.dec(),
    subscriptionRefused: (reason) => subscriptionsRefused.inc({ reason }),
    watcherStarted: () => watchersActive.inc(),
    watcherStopped: () => watchersActive.dec(),
    watcherPoll: (provider, outcome) => watcherPolls.inc({ provider, outcome }),
    watcherLease: (outcome) => watcherLeases.inc({ outcome }),
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
      const key = `${e.provider}|${e.outcome}|${e.status ?? 'none'}`;
      let child = upstreamChildren.get(key);
      if (!child) {
        child = {
          count: upstreamRequests.labels(e.provider, e.outcome, e.status === undefined ? 'none' : String(e.status)),
          seconds: upstreamSeconds.labels(e.provider, e.outcome),
        };
        upstreamChildren.set(key, child);
      }
      child.count.inc();
      child.seconds.observe(e.durationMs / 1000);
    },
    unhandledRejection: () => rejections.inc(),
    forProvider(provider) {
      const { cache, shared, wrong, regressions } = lookups();
      const hit = cache.labels(provider, 'hit');
      const miss = cache.labels(provider, 'miss');
      const sharedChild = shared.labels(provider);
      return {
        cacheHit: () => hit.inc(),
        cacheMiss: () => miss.inc(),
        sharedInFlight: () => sharedChild.inc(),
        wrongMessage: () => wrong.labels(provider).inc(),
        regression: () => regressions.labels(provider).inc(),
      };
    },
    observeBreakerStates(read) {
      new Gauge({
        name: 'upstream_breaker_state',
        help: 'Circuit breaker state by provider: 1 for the current state, 0 for the others',
        labelNames: ['provider', 'state'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [provider, name] of Object.entries(read())) {
            const current = BREAKER_NAMES[name] ?? 'open';
            for (const state of BREAKER_STATES) this.set({ provider, state }, state === current ? 1 : 0);
          }
        },
      });
    },
    observeBulkheads(read) {
      const gauge = (name: string, help: string, value: (load: BulkheadLoad) => number) =>
        new Gauge({
          name,
          help,
          labelNames: ['provider', 'lane'],
          registers: [registry],
          collect() {
            this.reset();
            for (const load of read()) this.set({ provider: load.provider, lane: load.lane }, value(load));
          },
        });
      gauge('upstream_bulkhead_queue_length', 'Lookups waiting for a bulkhead slot, by provider and lane (interactive, poll)', (load) => load.queued);
      gauge('upstream_bulkhead_active', 'Upstream calls holding a bulkhead slot, by provider and lane (interactive, poll)', (load) => load.active);
    },
    observeLaneLimits(read) {
      new Gauge({
        name: 'upstream_concurrency_limit',
        help: 'Bulkhead slots now, by provider and lane (interactive, poll): the adaptive concurrency limit, between UPSTREAM_CONCURRENCY_MIN and UPSTREAM_CONCURRENCY_MAX (the poll lane: its share of it)',
        labelNames: ['provider', 'lane'],
        registers: [registry],
        collect() {
          this.reset();
          for (const { provider, lane, limit } of read()) this.set({ provider, lane }, limit);
        },
      });
    },
  };
}
