import type { GraphQLKit, ProviderTypeRef } from '../../../src/providers/graphql-kit.js';
import type { AcmeRecord } from './normalize.js';

/** AcmeMessage, its entity keys and the `acmeMessage` root field. */
export function defineAcmeGraphQL(kit: GraphQLKit): ProviderTypeRef {
  const AcmeMessage = kit.builder.objectRef<AcmeRecord>('AcmeMessage').implement({
    description: 'An Acme message record (a provider that exists only in the tests).',
    interfaces: [kit.Node, kit.MessageStatus],
    isTypeOf: (value) => (value as AcmeRecord | null)?.provider === 'ACME',
    fields: (t) => ({
      acmeId: t.id({ description: 'Acme id of the message.', resolve: (r) => r.providerMessageId }),
      acmeState: t.string({ description: 'The state exactly as Acme reported it.', resolve: (r) => r.details.state }),
    }),
  });
  kit.defineProviderLookup(AcmeMessage, {
    provider: 'ACME',
    keyField: 'acmeId',
    fieldName: 'acmeMessage',
    description: 'An Acme message by its id. Null when Acme does not know it.',
    argumentDescription: 'Acme id (ACME- and 9 digits).',
  });
  return AcmeMessage;
}
