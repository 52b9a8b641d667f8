import { Counter, Gauge, type Registry } from 'prom-client';

/** How a webhook request was answered (a bounded set: it is a metrics label). */
export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'cross_site', 'not_found', 'unauthorized', 'method_not_allowed', 'rate_limited', 'unsupported_media_type', 'too_large', 'malformed', 'invalid', 'too_long', 'unconfirmed_full', 'kept_full', 'not_stored'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/**
 * What applying an event did to what is known: a record or a part before the answer (`kept`: a
 * part its provider's GET has not listed, applied as a partial record and kept until the GET
 * shows it); a hint after the answer (`fetched`, `not_found`, `failed`, `deferred`).
 */
export const WEBHOOK_APPLIED = ['changed', 'unchanged', 'fetched', 'not_found', 'failed', 'kept', 'deferred'] as const;
export type WebhookApplied = (typeof WEBHOOK_APPLIED)[number];

/** How a kept part ended: its provider's GET showed it, or its time (UNCONFIRMED_MESSAGE_TTL_MS) ran out first. */
export const KEPT_RESULTS = ['shown', 'expired'] as const;
export type KeptResult = (typeof KEPT_RESULTS)[number];

export interface WebhookMetrics {
  received(provider: string, outcome: WebhookOutcome): void;
  applied(provider: string, result: WebhookApplied): void;
  /** A fetch an event needed beyond WEBHOOK_FETCHES_PER_MINUTE (a kept change waits for its next try, a hint is deferred). */
  fetchSkipped(provider: string): void;
  /** Reads the number of parts this process keeps at scrape time. */
  observeKept(read: () => number): void;
  /** Kept parts that ended, by how. */
  keptEnded(provider: string, result: KeptResult, parts: number): void;
}

/** The webhook counters, on the app's registry, from start-up (docs/operations.md, "Metrics"). */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const received = new Counter({
    name: 'webhooks_received_total',
    help: 'Webhook requests, by provider ("unknown" for a path naming none) and how they were answered',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const applied = new Counter({
    name: 'webhook_events_applied_total',
    help: 'Webhook events applied, by provider and what applying them did to what is known',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'webhook_fetches_skipped_total',
    help: 'Upstream fetches webhook events needed beyond WEBHOOK_FETCHES_PER_MINUTE, by provider (a kept change waits for its next try, a hint is deferred)',
    labelNames: ['provider'],
    registers: [registry],
  });
  const ended = new Counter({
    name: 'webhook_kept_total',
    help: 'Webhook changes kept until their provider showed them, once they end: shown (its GET showed them) or expired (UNCONFIRMED_MESSAGE_TTL_MS ran out first: lost)',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  let kept: () => number = () => 0;
  new Gauge({
    name: 'webhook_kept_messages',
    help: 'Messages webhooks changed that their provider has not shown yet, while their GET is retried, as this process holds them (all of them without Redis; its copy with Redis)',
    registers: [registry],
    collect() {
      this.set(kept());
    },
  });
  return {
    observeKept: (read) => void (kept = read),
    received: (provider, outcome) => received.inc({ provider, outcome }),
    applied: (provider, result) => applied.inc({ provider, result }),
    fetchSkipped: (provider) => skipped.inc({ provider }),
    keptEnded: (provider, result, parts) => ended.inc({ provider, result }, parts),
  };
}
