import type { GraphQLKit, ProviderTypeRef } from '../graphql-kit.js';
import { phoneNumberGuard } from '../../security/field-guards.js';
import type { BetatelRecord } from './normalize.js';

/** BetatelWdr, its entity keys and the `betatelWdr` root field. */
export function defineBetatelGraphQL(kit: GraphQLKit): ProviderTypeRef {
  const { builder } = kit;

  const BetatelWdr = builder.objectRef<BetatelRecord>('BetatelWdr').implement({
    description: 'A Betatel WhatsApp delivery record (WDR) for one message.',
    interfaces: [kit.Node, kit.MessageStatus],
    isTypeOf: (value) => (value as BetatelRecord | null)?.provider === 'BETATEL',
    fields: (t) => ({
      uuid: t.id({ description: 'Betatel `uuid` of the message (a ULID), returned when it was sent.', resolve: (r) => r.details.uuid }),
      whatsappMessageId: t.string({ nullable: true, description: 'Betatel `wam_id`: the message id assigned by Meta.', resolve: (r) => r.details.whatsappMessageId }),
      // @tag marks fields a schema contract (a public variant of the supergraph) can leave out.
      to: t.string({ nullable: true, tag: ['pii'], description: 'Recipient phone number, E.164 without the leading `+`. Masked without the `pii:read` scope (country prefix and last two digits kept).', resolve: (r) => r.details.to, ...phoneNumberGuard<BetatelRecord>((r) => r.details.to) }),
      text: t.string({
        nullable: true,
        tag: ['pii', 'secret'],
        description: 'The message body. For OTP traffic this is the one-time code itself: treat it as a secret. Requires the `content:read` scope: without it, null and a FORBIDDEN error.',
        authScopes: { contentRead: true },
        resolve: (r) => r.details.text,
      }),
      status: t.string({ description: 'The status exactly as Betatel reported it (e.g. `DELIVERED`).', resolve: (r) => r.details.status }),
      createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the message was created (Betatel `timestamp`).', resolve: (r) => r.details.createdAt }),
      deliveredAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the message was delivered (Betatel `delivery_timestamp`); null until then.',
        resolve: (r) => r.details.deliveredAt,
      }),
      deliveryTimeMs: t.int({
        nullable: true,
        description: 'Milliseconds from sending to delivery confirmation (Betatel `delivery_time`).',
        resolve: (r) => r.details.deliveryTimeMs,
      }),
      webhookDelivered: t.boolean({
        nullable: true,
        description: "Whether Betatel delivered this status update to your webhook.",
        resolve: (r) => r.details.webhookDelivered,
      }),
    }),
  });

  kit.defineProviderLookup(BetatelWdr, {
    provider: 'BETATEL',
    keyField: 'uuid',
    fieldName: 'betatelWdr',
    description:
      'A Betatel delivery record by its uuid. Null when Betatel does not know it; a BAD_USER_INPUT error when the id is not a ULID; a provider error code (UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE, TIMEOUT, BAD_RESPONSE, NOT_CONFIGURED) when Betatel failed.',
    argumentDescription: 'Betatel `uuid` (a 26-character ULID).',
  });

  return BetatelWdr;
}
