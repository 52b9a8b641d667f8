import type { MessageStatusRecord } from './domain/message-status.js';
import { ProviderFailure } from './domain/provider-failure.js';
import type { ProviderClient } from './providers/provider.js';

/**
 * Shared by all requests: routes a lookup to its provider's client. The
 * per-request loaders sit above it; cross-request sharing and caching belong here.
 */
export class StatusService {
  constructor(private readonly clients: ReadonlyMap<string, ProviderClient>) {}

  /** The record, null when the provider does not know the id; rejects with ProviderFailure only. */
  async lookup(provider: string, id: string, signal?: AbortSignal): Promise<MessageStatusRecord | null> {
    const client = this.clients.get(provider);
    if (!client) {
      throw new ProviderFailure({ provider, code: 'NOT_CONFIGURED', message: `${provider} is not configured on this server` });
    }
    try {
      return await client.fetchStatus(id, signal);
    } catch (error) {
      if (error instanceof ProviderFailure) throw error;
      // A bug of ours must not fail the neighbours: it becomes this item's typed error.
      throw new ProviderFailure({ provider, code: 'BAD_RESPONSE', message: `${provider} lookup failed unexpectedly`, cause: error });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
  }
}
