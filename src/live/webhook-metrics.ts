import { Counter, type Registry } from 'prom-client';

/** How a webhook request was answered (a bounded set: it is a metrics label). */
export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'not_found', 'unauthorized', 'method_not_allowed', 'rate_limited', 'unsupported_media_type', 'too_large', 'malformed', 'invalid', 'too_long', 'unconfirmed_full'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** What applying an accepted event did to what is known (after the 202). */
export const WEBHOOK_APPLIED = ['changed', 'unchanged', 'fetched', 'not_found', 'failed', 'held', 'deferred', 'dropped'] as const;
export type WebhookApplied = (typeof WEBHOOK_APPLIED)[number];

export interface WebhookMetrics {
  received(provider: string, outcome: WebhookOutcome): void;
  applied(provider: string, result: WebhookApplied): void;
  /** A fetch an event needed beyond WEBHOOK_FETCHES_PER_MINUTE (the event was held or deferred instead). */
  fetchSkipped(provider: string): void;
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
    help: 'Accepted webhook events, by provider and what applying them did to what is known',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'webhook_fetches_skipped_total',
    help: 'Upstream fetches webhook events needed beyond WEBHOOK_FETCHES_PER_MINUTE, by provider (the event was held or deferred instead)',
    labelNames: ['provider'],
    registers: [registry],
  });
  return {
    received: (provider, outcome) => received.inc({ provider, outcome }),
    applied: (provider, result) => applied.inc({ provider, result }),
    fetchSkipped: (provider) => skipped.inc({ provider }),
  };
}
