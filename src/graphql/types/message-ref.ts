import type { Builder } from '../../providers/graphql-kit.js';
import type { AnyProviderModule } from '../../providers/provider.js';
import type { ProviderEnumRef } from './provider.js';

export function defineMessageRef(builder: Builder, ProviderEnum: ProviderEnumRef, providers: readonly AnyProviderModule[]) {
  return builder.inputType('MessageRef', {
    description: 'One message to look up: the provider and its id for the message.',
    fields: (t) => ({
      provider: t.field({ type: ProviderEnum, required: true, description: 'The provider that sent the message.' }),
      id: t.string({ required: true, description: `The provider's id: ${providers.map((p) => p.idWording.ref).join(' or ')}.` }),
    }),
  });
}

export type MessageRefRef = ReturnType<typeof defineMessageRef>;
