import { betatel } from './betatel/index.js';
import { d7 } from './d7/index.js';
import type { ProviderModule } from './provider.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module has its own credentials type
export type AnyProviderModule = ProviderModule<any>;

/** Every provider this service speaks to. A new provider is one folder and one line here. */
export const providers: readonly AnyProviderModule[] = [d7, betatel];

export function providerByKey(key: string): AnyProviderModule {
  const provider = providers.find((p) => p.key === key);
  if (!provider) throw new Error(`unknown provider ${key}`);
  return provider;
}

export function providerByTypeName(typeName: string): AnyProviderModule | undefined {
  return providers.find((p) => p.typeName === typeName);
}
