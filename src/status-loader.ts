import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { MessageStatusRecord } from './domain/message-status.js';
import type { StatusService } from './status-service.js';

/**
 * Per-request loaders, one DataLoader per provider. Every path that needs a
 * record (root fields, batches, node, _entities) goes through `load`, so
 * repeated ids in one request are fetched once and lookups made in the same
 * tick are batched, with the fan-out of a batch capped at `concurrency`.
 */
export class StatusLoader {
  private readonly loaders = new Map<string, DataLoader<string, MessageStatusRecord | null>>();
  /** A per-request check before each lookup (the security layer's upstream budget); it throws to refuse. */
  private beforeLoad: ((provider: string, id: string) => void) | undefined;

  constructor(
    private readonly service: StatusService,
    private readonly concurrency: number,
  ) {}

  /** `id` must already be in the provider's canonical form (see ProviderModule.parseId). */
  load(provider: string, id: string): Promise<MessageStatusRecord | null> {
    try {
      this.beforeLoad?.(provider, id);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.loaderFor(provider).load(id);
  }

  setBeforeLoad(check: (provider: string, id: string) => void): void {
    this.beforeLoad = check;
  }

  private loaderFor(provider: string): DataLoader<string, MessageStatusRecord | null> {
    let loader = this.loaders.get(provider);
    if (!loader) {
      const limit = pLimit(this.concurrency);
      loader = new DataLoader((ids) =>
        // Errors are returned, not thrown: each id gets its own outcome.
        Promise.all(ids.map((id) => limit(() => this.service.lookup(provider, id)).catch((error: Error) => error))),
      );
      this.loaders.set(provider, loader);
    }
    return loader;
  }
}
