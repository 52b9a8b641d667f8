import type { GraphQLKit, ProviderTypeRef } from '../graphql-kit.js';
import { phoneNumberGuard } from '../../security/field-guards.js';
import { AGGREGATION_RULE } from './aggregate.js';
import type { D7MessageDetails, D7Record, D7ReferenceDetails } from './normalize.js';

/** D7Report, D7Message, D7Reference, the D7Report entity keys and the `d7Report` root field. */
export function defineD7GraphQL(kit: GraphQLKit): ProviderTypeRef {
  const { builder } = kit;

  const D7Reference = builder.objectRef<D7ReferenceDetails>('D7Reference').implement({
    description: 'Customer references attached to a D7 message when it was sent.',
    fields: (t) => ({
      customerRef: t.exposeString('customerRef', { nullable: true, description: 'D7 `cust_ref`: your own reference for the message.' }),
      messageTag1: t.exposeString('messageTag1', { nullable: true, description: 'D7 `message_tag1`.' }),
      messageTag2: t.exposeString('messageTag2', { nullable: true, description: 'D7 `message_tag2`.' }),
      messageTag3: t.exposeString('messageTag3', { nullable: true, description: 'D7 `message_tag3`.' }),
      messageTag4: t.exposeString('messageTag4', { nullable: true, description: 'D7 `message_tag4`.' }),
      messageTag5: t.exposeString('messageTag5', { nullable: true, description: 'D7 `message_tag5`.' }),
      conversationId: t.exposeString('conversationId', { nullable: true, description: 'D7 `conversation_id` reference.' }),
    }),
  });

  const D7Message = builder.objectRef<D7MessageDetails>('D7Message').implement({
    description: 'One recipient of a D7 WhatsApp request, with its own delivery status.',
    fields: (t) => ({
      msgId: t.id({ description: 'D7 `msg_id` of this message.', resolve: (m) => m.msgId }),
      originator: t.exposeString('originator', { nullable: true, description: 'Sender number or name. Masked without the `pii:read` scope.', ...phoneNumberGuard<D7MessageDetails>((m) => m.originator) }),
      // @tag marks fields a schema contract (a public variant of the supergraph) can leave out.
      recipient: t.exposeString('recipient', { nullable: true, tag: ['pii'], description: 'Recipient phone number. Masked without the `pii:read` scope (country prefix and last two digits kept).', ...phoneNumberGuard<D7MessageDetails>((m) => m.recipient) }),
      reference: t.field({ type: D7Reference, nullable: true, description: 'Customer references given at send time.', resolve: (m) => m.reference }),
      conversationType: t.exposeString('conversationType', { nullable: true, description: 'WhatsApp conversation category: marketing, service, utility, authentication.' }),
      messageType: t.exposeString('messageType', { nullable: true, description: 'TEXT, ATTACHMENT, LOCATION, CONTACTS or TEMPLATE.' }),
      templateId: t.exposeString('templateId', { nullable: true, description: 'Template used, for TEMPLATE messages.' }),
      whatsappConversationId: t.exposeString('whatsappConversationId', { nullable: true, description: 'D7 `waConvId`: the WhatsApp conversation id.' }),
      status: t.exposeString('status', { description: 'The status exactly as D7 reported it (e.g. `un_delivered`).' }),
      state: t.field({ type: kit.DeliveryState, description: 'The status normalized across providers; unknown statuses are UNKNOWN.', resolve: (m) => m.state }),
      reason: t.exposeString('reason', { nullable: true, description: "D7's explanation of the status, when it gives one." }),
      confirmed: t.boolean({
        description:
          "True once D7's report (its GET) has listed this message. False while it is known only from D7's delivery webhooks: it is then held for a limited time (UNCONFIRMED_MESSAGE_TTL_MS) and dropped if D7 never lists it.",
        resolve: (m) => m.unconfirmedSince === null,
      }),
    }),
  });

  const D7Report = builder.objectRef<D7Record>('D7Report').implement({
    description: `A D7 Networks WhatsApp report: one request, possibly to several recipients. Its \`state\` aggregates the messages' states. ${AGGREGATION_RULE}`,
    interfaces: [kit.Node, kit.MessageStatus],
    isTypeOf: (value) => (value as D7Record | null)?.provider === 'D7',
    fields: (t) => ({
      requestId: t.id({ description: 'D7 `request_id`, returned when the message was sent.', resolve: (r) => r.details.requestId }),
      requestStage: t.string({ nullable: true, description: 'D7 `request_stage`, as reported (e.g. `processed`).', resolve: (r) => r.details.requestStage }),
      scheduleTime: t.field({ type: 'DateTime', nullable: true, description: 'When D7 is scheduled to send, for scheduled requests.', resolve: (r) => r.details.scheduleTime }),
      // Counted against MAX_RESULT_ITEMS as it resolves; past the limit the operation is refused before these objects are built.
      messages: t.field({
        type: [D7Message],
        description: 'One entry per recipient, at most MAX_MESSAGES_PER_RECORD (the first ones D7 lists). Each counts as a result item against the server limit (MAX_RESULT_ITEMS).',
        resolve: (r, _args, ctx) => ctx.answer.list(r.details.messages),
      }),
      omittedMessages: t.int({ description: 'Messages D7 listed beyond MAX_MESSAGES_PER_RECORD, not kept by this service (0 for almost every report).', resolve: (r) => r.details.omittedMessages }),
    }),
  });

  kit.defineProviderLookup(D7Report, {
    provider: 'D7',
    keyField: 'requestId',
    fieldName: 'd7Report',
    description:
      'A D7 report by its request id. Null when D7 does not know it; a BAD_USER_INPUT error when the id is not a UUID; a provider error code (UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE, TIMEOUT, BAD_RESPONSE, NOT_CONFIGURED) when D7 failed.',
    argumentDescription: 'D7 `request_id` (a UUID).',
  });

  return D7Report;
}
