import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { RecordBounds } from '../domain/record-bounds.js';
import type { RecordMerge } from '../domain/status-merge.js';
import type { Logger } from '../logger.js';
import type { KeptAnswers } from '../lookup/kept-answers.js';
import type { KeptJournal } from '../lookup/kept-part.js';
import type { StatusService } from '../lookup/status-service.js';
import type { AnyProviderModule } from '../providers/provider.js';
import { RateLimiter } from '../security/rate-limit.js';
import { FIRST_RETRY_MS, KeptCompleter } from './kept-completer.js';
import { StatusEvents } from './status-events.js';
import type { WebhookSettings } from './settings.js';
import { useWebhookEndpoints } from './use-webhook-endpoints.js';
import { createWebhookMetrics } from './metrics.js';

/** Longest wait between two GETs of a record with kept parts: never under the first retry, never over this. */
const MAX_RETRY_CAP_MS = 30_000;

export interface Webhooks {
  plugin: Plugin;
  /** Stops retrying the GETs of kept parts (they stay kept: in Redis for the other replicas). */
  close(): void;
}

/** The webhook endpoints of one app, with their counters on the app's registry, and the retries of what they keep. */
export function useWebhooks(deps: {
  config: WebhookSettings;
  records: RecordBounds;
  providers: readonly AnyProviderModule[];
  service: Pick<StatusService, 'lookup' | 'offer' | 'offerStored' | 'known' | 'markStale' | 'fetchUpstream'>;
  /** This process's kept parts (the status service reads them too). */
  kept: KeptAnswers;
  /** The deployment's journal of kept parts (Redis), when there is one. */
  journal?: KeptJournal;
  /** By provider: the status merge of records with parts (D7). */
  merges: ReadonlyMap<string, RecordMerge>;
  /** CACHE_TTL_MOVING_MS: a shared entry lives that long, so GETs of a record with kept parts come at least that often. */
  movingTtlMs: number;
  /** REQUEST_DEADLINE_MS: how long one GET may take. */
  requestDeadlineMs: number;
  registry: Registry;
  logger: Logger;
}): Webhooks {
  const metrics = createWebhookMetrics(deps.registry);
  metrics.observeKept(() => deps.kept.size);
  // One budget per provider for every upstream call webhooks cause: hints' fetches and kept parts' GETs.
  const budget = new RateLimiter(deps.config.fetchesPerMinute);
  // A GET under way holds its record: its deadline, and a second for the answer to be settled.
  const leaseMs = deps.requestDeadlineMs + 1_000;
  const completer = new KeptCompleter({
    service: deps.service,
    local: deps.kept,
    shared: deps.journal,
    merges: deps.merges,
    budget,
    fetchSkipped: metrics.fetchSkipped,
    ended: metrics.keptEnded,
    retryCapMs: Math.min(MAX_RETRY_CAP_MS, Math.max(FIRST_RETRY_MS, deps.movingTtlMs)),
    leaseMs,
    logger: deps.logger,
  });
  const events = new StatusEvents({
    service: deps.service,
    local: deps.kept,
    shared: deps.journal,
    merges: deps.merges,
    keptForMs: deps.records.unconfirmedTtlMs,
    kept: (entry, leased) => completer.kept(entry, leased),
    leaseMs,
    budget,
    fetchSkipped: metrics.fetchSkipped,
  });
  const plugin = useWebhookEndpoints({
    config: deps.config,
    records: { ...deps.records, maxKept: deps.config.maxKept },
    providers: deps.providers,
    events,
    metrics,
    logger: deps.logger,
  });
  return { plugin, close: () => completer.close() };
}
