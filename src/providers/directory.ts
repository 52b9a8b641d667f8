import type { ProviderDirectory } from '../context.js';
import type { AnyProviderModule } from './provider.js';

/** The lookups over one provider list; a list naming a key or a type name twice is refused (the schema could not hold it). */
export function providerDirectory(providers: readonly AnyProviderModule[]): ProviderDirectory & { readonly all: readonly AnyProviderModule[] } {
  const byKey = new Map(providers.map((p) => [p.key, p]));
  const byTypeName = new Map(providers.map((p) => [p.typeName, p]));
  if (byKey.size !== providers.length || byTypeName.size !== providers.length) throw new Error('two providers share a key or a GraphQL type name');
  return {
    all: providers,
    byKey(key) {
      const provider = byKey.get(key);
      if (!provider) throw new Error(`unknown provider ${key}`);
      return provider;
    },
    byTypeName: (typeName) => byTypeName.get(typeName),
  };
}
