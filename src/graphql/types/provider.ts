import type { Builder } from '../../providers/graphql-kit.js';
import type { AnyProviderModule } from '../../providers/provider.js';

/** The `Provider` enum: one value per provider the schema is built with. */
export function defineProviderEnum(builder: Builder, providers: readonly AnyProviderModule[]) {
  return builder.enumType('Provider', {
    description: 'A messaging provider whose WhatsApp delivery records this service reads.',
    values: Object.fromEntries(providers.map((p) => [p.key, { value: p.key, description: p.label }])),
  });
}

export type ProviderEnumRef = ReturnType<typeof defineProviderEnum>;
