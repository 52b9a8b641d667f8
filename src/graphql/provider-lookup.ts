import { resolveEntityReference } from './entity-reference.js';
import type { AnyRecord, Builder, ProviderLookupOptions, ProviderTypeRef } from '../providers/graphql-kit.js';
import { findOrNull, MAX_AGE_DESCRIPTION } from './lookup.js';

/**
 * What every provider type gets, the same way: federation keys on its own id
 * field and on the global `id` (an entity interface needs that key on every
 * implementation), and a nullable root field looking one record up by id,
 * with `maxAge`, through the request's loader.
 */
export function defineProviderLookup(builder: Builder, type: ProviderTypeRef, options: ProviderLookupOptions): void {
  const { provider, keyField } = options;
  builder.asEntity(type, {
    // The key field is a runtime name here, so the selection's literal type cannot be spelled out.
    key: [builder.selection<Record<string, string>>(keyField as never), builder.selection<{ id: string }>('id')],
    // An error value is this entity's error (entities-guard.ts); Pothos types only records here.
    resolveReference: (ref, ctx) => resolveEntityReference(ctx, ref, { provider, keyField }) as Promise<AnyRecord>,
  });

  builder.queryField(options.fieldName, (t) =>
    t.field({
      type,
      nullable: true,
      description: options.description,
      args: {
        [keyField]: t.arg.id({ required: true, description: options.argumentDescription }),
        maxAge: t.arg.int({ required: false, description: MAX_AGE_DESCRIPTION }),
      },
      resolve: (_root, args, ctx) => findOrNull(ctx, provider, String(args[keyField]), keyField, args.maxAge as number | null | undefined),
    }),
  );
}
