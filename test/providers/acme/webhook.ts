import type { ProviderWebhook } from '../../../src/providers/provider.js';
import { normalizeAcme } from './normalize.js';
import { acmeMessageBody } from './schema.js';

/** Acme pushes its whole record, the GET body. */
export const acmeWebhook: ProviderWebhook = {
  tokenVariable: 'ACME_WEBHOOK_TOKEN',
  sandboxToken: 'sandbox-acme-webhook-token-0123456789',
  parse(body) {
    const parsed = acmeMessageBody.safeParse(body);
    if (!parsed.success) return { ok: false, reason: 'the body is not an Acme record' };
    const message = parsed.data;
    return {
      ok: true,
      update: { kind: 'record', id: message.id, record: (observedAt) => normalizeAcme(message, new Date(observedAt)) },
      eventKey: `${message.id}|${message.state}|${message.updated_at}`,
    };
  },
};
