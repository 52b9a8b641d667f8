import { z } from 'zod';
import { FIELD_LIMITS } from '../../domain/record-bounds.js';
import { tooLongField } from '../field-limits.js';
import type { ProviderWebhook, WebhookParse } from '../provider.js';
import { normalizeBetatelWdr } from './normalize.js';
import { betatelWdrBody } from './schema.js';

// Betatel does not document its push format (PROVIDERS.md). Assumed: the WDR record, the same
// JSON as the GET answer; anything else that names a uuid only tells us the record changed.
const hint = z.object({ uuid: z.string().min(1).max(FIELD_LIMITS.ref) });

function parse(body: unknown): WebhookParse {
  const record = betatelWdrBody.safeParse(body);
  if (record.success) {
    const wdr = record.data;
    return {
      ok: true,
      // No event time in a WDR: the record counts as observed when it arrives.
      update: { kind: 'record', id: wdr.uuid, record: (observedAt) => normalizeBetatelWdr(wdr, new Date(observedAt)) },
      eventKey: [wdr.uuid.toUpperCase(), wdr.status, wdr.delivery_timestamp ?? '', wdr.webhook_delivered ?? ''].join('|'),
    };
  }
  const named = hint.safeParse(body);
  // An over-long field of a body that names a record: refused as such (a hint would drop it silently).
  const tooLong = tooLongField(record.error);
  if (tooLong) return { ok: false, reason: tooLong, tooLong: true };
  if (named.success) return { ok: true, update: { kind: 'fetch', id: named.data.uuid } };
  return { ok: false, reason: 'the body is neither a Betatel WDR record nor an object with a uuid' };
}

/** Betatel's pushes, as assumed in docs/subscriptions-and-webhooks.md ("The Betatel assumption"): a WDR record, or a hint to fetch one. */
export const betatelWebhook: ProviderWebhook = {
  tokenVariable: 'BETATEL_WEBHOOK_TOKEN',
  sandboxToken: 'sandbox-betatel-webhook-token-0123456789',
  parse,
};
