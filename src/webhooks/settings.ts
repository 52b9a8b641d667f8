import { z } from 'zod';
import { int, type AreaSettings } from '../env-values.js';
import type { AnyProviderModule } from '../providers/provider.js';

// The token is a path segment: URL-safe characters only, so it needs no encoding and no decoding.
const token = z
  .string()
  .regex(/^[A-Za-z0-9._~-]*$/, 'use only A-Z a-z 0-9 . _ ~ - (it is a URL path segment)')
  .min(24, 'at least 24 characters')
  .max(256, 'at most 256 characters');

/** Variables of the webhook endpoints: the token variable of each provider served that has a webhook, and the limits. */
export function webhookEnv(providers: readonly AnyProviderModule[]): z.ZodRawShape {
  return {
    WEBHOOK_RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(6_000),
    WEBHOOK_FETCHES_PER_MINUTE: int(1, 1_000_000).default(600),
    MAX_KEPT_WEBHOOK_MESSAGES: int(1, 1_000_000).default(10_000),
    ...Object.fromEntries(providers.flatMap((p) => (p.webhook ? [[p.webhook.tokenVariable, token.optional()]] : []))),
  };
}

export interface WebhookSettings {
  /** By provider key; a provider without a token has no endpoint (404). */
  tokens: Readonly<Record<string, string>>;
  /** Webhook requests per minute per source address; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Upstream fetches webhook events may cause per minute, per provider endpoint; past it a kept change waits for its next try and a hint is deferred. */
  fetchesPerMinute: number;
  /** Messages webhooks changed that their provider has not shown yet, kept at once (per process; per deployment in Redis); past it: 503. */
  maxKept: number;
}

/** From the parsed variables (raw strings when one of them failed; zod reports that problem). */
export function webhookSettings(values: Record<string, unknown>, providers: readonly AnyProviderModule[]): AreaSettings<WebhookSettings> {
  const tokens: Record<string, string> = {};
  for (const p of providers) {
    const value = p.webhook && values[p.webhook.tokenVariable];
    if (typeof value === 'string') tokens[p.key] = value;
  }
  const rate = values.WEBHOOK_RATE_LIMIT_PER_MINUTE;
  const fetches = values.WEBHOOK_FETCHES_PER_MINUTE;
  const kept = values.MAX_KEPT_WEBHOOK_MESSAGES;
  return {
    settings: {
      tokens,
      rateLimitPerMinute: typeof rate === 'number' ? rate : 6_000,
      fetchesPerMinute: typeof fetches === 'number' ? fetches : 600,
      maxKept: typeof kept === 'number' ? kept : 10_000,
    },
    problems: [],
    secrets: Object.values(tokens),
  };
}
