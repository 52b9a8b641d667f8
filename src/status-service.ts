import type { MessageStatusRecord } from './domain/message-status.js';
import { ProviderFailure } from './domain/provider-failure.js';
import { InFlight, untilAborted } from './in-flight.js';
import type { BreakerState, Metrics } from './observability/metrics.js';
import type { ProviderClient } from './providers/provider.js';
import { createProviderPolicy, type ProviderPolicy } from './resilience/policy.js';
import type { CacheSettings, ResilienceSettings } from './resilience/settings.js';
import { StatusCache, type CachedAnswer } from './status-cache.js';

export interface LookupOptions {
  /** This request's deadline; when it aborts the caller gets TIMEOUT, other callers of a shared call do not. */
  signal?: AbortSignal;
  /** Oldest acceptable data (epoch ms): older cache entries and calls started earlier are not used. */
  notBefore?: number;
}

export interface StatusServiceOptions {
  resilience: ResilienceSettings;
  cache: CacheSettings;
  /** Where cache, sharing, breaker and bulkhead figures go (the app's Prometheus registry). */
  metrics?: Pick<Metrics, 'cacheLookup' | 'sharedInFlight' | 'observeBreakerStates' | 'observeBulkheadQueues'>;
}

const BREAKER_STATES: Record<string, BreakerState> = { Closed: 'closed', Open: 'open', HalfOpen: 'half_open', Isolated: 'open' };

interface Guarded {
  client: ProviderClient;
  policy: ProviderPolicy;
}

/**
 * Shared by all requests, between the per-request loaders and the provider
 * clients: cache → in-flight sharing → the provider's policy (bulkhead →
 * breaker → retry → timeout) → client.
 */
export class StatusService {
  private readonly guarded = new Map<string, Guarded>();
  private readonly cache: StatusCache;
  private readonly inFlight = new InFlight<CachedAnswer>();

  constructor(
    clients: ReadonlyMap<string, ProviderClient>,
    private readonly options: StatusServiceOptions,
  ) {
    for (const [provider, client] of clients) {
      this.guarded.set(provider, { client, policy: createProviderPolicy(provider, options.resilience) });
    }
    this.cache = new StatusCache(options.cache);
    // Read at scrape time, so the gauges are never stale.
    options.metrics?.observeBreakerStates(() => this.byProvider(({ policy }) => BREAKER_STATES[policy.circuitState] ?? 'open'));
    options.metrics?.observeBulkheadQueues(() => this.byProvider(({ policy }) => policy.queueLength));
  }

  /** The record, null when the provider does not know the id; rejects with ProviderFailure only. */
  async lookup(provider: string, id: string, options: LookupOptions = {}): Promise<MessageStatusRecord | null> {
    const guarded = this.guarded.get(provider);
    if (!guarded) {
      throw new ProviderFailure({ provider, code: 'NOT_CONFIGURED', message: `${provider} is not configured on this server` });
    }
    const key = `${provider}:${id}`;
    const notBefore = options.notBefore ?? Number.NEGATIVE_INFINITY;
    const cached = this.cache.get(key, notBefore);
    this.options.metrics?.cacheLookup(provider, cached !== undefined);
    if (cached) return cached.record;
    const shared = this.inFlight.run(
      key,
      notBefore,
      () => this.callUpstream(provider, id, guarded),
      () => this.options.metrics?.sharedInFlight(provider),
    );
    return (await untilAborted(shared, options.signal, provider)).record;
  }

  /** Circuit state by provider, for diagnostics and tests. */
  circuitState(provider: string): string | undefined {
    return this.guarded.get(provider)?.policy.circuitState;
  }

  private byProvider<T>(read: (guarded: Guarded) => T): Record<string, T> {
    return Object.fromEntries([...this.guarded].map(([provider, guarded]) => [provider, read(guarded)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.guarded.values()].map(({ client }) => client.close()));
  }

  /** One upstream call shared by every caller: it runs under its own deadline, not any caller's. */
  private async callUpstream(provider: string, id: string, { client, policy }: Guarded): Promise<CachedAnswer> {
    const deadlineMs = this.options.resilience.requestDeadlineMs;
    const signal = AbortSignal.timeout(deadlineMs);
    const record = await policy.execute((attemptSignal) => client.fetchStatus(id, attemptSignal), signal, Date.now() + deadlineMs);
    const answer: CachedAnswer = { record, fetchedAt: record?.fetchedAt.getTime() ?? Date.now() };
    this.cache.set(`${provider}:${id}`, answer);
    return answer;
  }
}
