import { ProviderFailure } from '../domain/provider-failure.js';
import type { ProviderClient } from '../providers/provider.js';

/** The one NOT_CONFIGURED failure: `variables` are the environment variables that would configure the provider. */
export function notConfigured(provider: string, variables: readonly string[] = []): ProviderFailure {
  const hint = variables.length > 0 ? ` (set ${variables.join(' and ')})` : '';
  return new ProviderFailure({ provider, code: 'NOT_CONFIGURED', message: `${provider} is not configured on this server${hint}` });
}

/** Stands in for the client of a provider without credentials: every lookup is NOT_CONFIGURED, nothing is sent. */
export function unconfiguredClient(provider: string, variables: readonly string[]): ProviderClient {
  return {
    fetchStatus: () => Promise.reject(notConfigured(provider, variables)),
    close: () => Promise.resolve(),
  };
}
