// The live path (DESIGN.md "The live path"): webhook endpoints and the status events they apply.
export { StatusEvents, type KnownStatuses } from './status-events.js';
export { MAX_WEBHOOK_BODY_BYTES, useWebhookEndpoints, type WebhookEndpointOptions } from './use-webhook-endpoints.js';
export { webhookEnv, webhookSettings, type WebhookSettings } from './settings.js';
export { createWebhookMetrics, WEBHOOK_APPLIED, WEBHOOK_OUTCOMES, type WebhookApplied, type WebhookMetrics, type WebhookOutcome } from './metrics.js';
export { useWebhooks } from './use-webhooks.js';
