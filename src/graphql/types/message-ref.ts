import { builder } from '../builder.js';
import { ProviderEnum } from './provider.js';

export const MessageRefInput = builder.inputType('MessageRef', {
  description: 'One message to look up: the provider and its id for the message.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, required: true, description: 'The provider that sent the message.' }),
    id: t.string({ required: true, description: "The provider's id: D7 `request_id` (a UUID) or Betatel `uuid` (a ULID)." }),
  }),
});
