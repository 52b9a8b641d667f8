// The live path (DESIGN.md "The live path"): webhook endpoints and the status events they apply.
export { StatusEvents, type KnownStatuses } from './status-events.js';
export { MAX_WEBHOOK_BODY_BYTES, useWebhookEndpoints, type WebhookEndpointOptions } from './webhook-endpoint.js';
export { webhookEnv, webhookSettings, type WebhookConfig } from './webhook-config.js';
export { createWebhookMetrics, WEBHOOK_APPLIED, WEBHOOK_OUTCOMES, type WebhookApplied, type WebhookMetrics, type WebhookOutcome } from './webhook-metrics.js';
export { useWebhooks } from './webhooks.js';
