/**
 * How much one stored record may hold (docs/subscriptions-and-webhooks.md, docs/configuration.md); read from the
 * environment in src/providers/settings.ts. A provider whose records hold several messages (D7) applies
 * them in its normalizer and its status merge.
 */
export interface RecordBounds {
  /** Messages kept per record; a provider answer listing more keeps the first ones. */
  maxMessages: number;
  /** Messages per record known only from webhooks (the provider's GET has not listed them yet). */
  maxUnconfirmed: number;
  /** How long such a message is held while the provider's GET does not list it (ms). */
  unconfirmedTtlMs: number;
}

/** The largest MAX_MESSAGES_PER_RECORD and MAX_UNCONFIRMED_MESSAGES_PER_REPORT accepted: together, the most messages any stored record may hold (records read from Redis are held to it). */
export const RECORD_BOUNDS_CEILING = { maxMessages: 100_000, maxUnconfirmed: 10_000 } as const;

export const DEFAULT_RECORD_BOUNDS: RecordBounds = { maxMessages: 1_000, maxUnconfirmed: 20, unconfirmedTtlMs: 600_000 };

/**
 * Longest strings a provider body may carry, per kind of field (the providers document none,
 * except WhatsApp's 4,096-character text): a longer one is refused, not truncated, so nothing
 * stored is ever a cut-off value.
 */
export const FIELD_LIMITS = {
  /** Ids, references, tags, phone numbers, names of things. */
  ref: 256,
  /** A provider's status or stage word. */
  status: 100,
  /** Free text: a message body, a reason. */
  text: 4_096,
} as const;
