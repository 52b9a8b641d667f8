import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { MessageStatusRecord } from './domain/message-status.js';
import type { StatusService } from './status-service.js';

/**
 * Per-request loaders, one DataLoader per provider and freshness demand.
 * Every path that needs a record (root fields, batches, node, _entities) goes
 * through `load`, so repeated ids in one request are fetched once and lookups
 * made in the same tick are batched, with the fan-out of a batch capped at
 * `concurrency`. Every lookup carries this request's deadline.
 */
export class StatusLoader {
  private readonly loaders = new Map<string, DataLoader<string, MessageStatusRecord | null>>();
  private readonly limits = new Map<string, ReturnType<typeof pLimit>>();
  /** A per-request check before each lookup (the security layer's upstream budget); it throws to refuse. */
  private beforeLoad: ((provider: string, id: string) => void) | undefined;

  constructor(
    private readonly service: StatusService,
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
    /** When this request began (epoch ms); `maxAge` counts back from it. */
    private readonly startedAt: number,
  ) {}

  /**
   * `id` must already be in the provider's canonical form (see ProviderModule.parseId).
   * `maxAgeSeconds`: do not answer with data obtained more than this long before the request began.
   */
  load(provider: string, id: string, maxAgeSeconds?: number): Promise<MessageStatusRecord | null> {
    try {
      this.beforeLoad?.(provider, id);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.loaderFor(provider, maxAgeSeconds).load(id);
  }

  setBeforeLoad(check: (provider: string, id: string) => void): void {
    this.beforeLoad = check;
  }

  private loaderFor(provider: string, maxAgeSeconds: number | undefined): DataLoader<string, MessageStatusRecord | null> {
    const key = `${provider}:${maxAgeSeconds ?? ''}`;
    let loader = this.loaders.get(key);
    if (!loader) {
      // One cap per provider, whatever the freshness demand.
      let limit = this.limits.get(provider);
      if (!limit) {
        limit = pLimit(this.concurrency);
        this.limits.set(provider, limit);
      }
      const run = limit;
      const notBefore = maxAgeSeconds === undefined ? undefined : this.startedAt - maxAgeSeconds * 1000;
      loader = new DataLoader((ids) =>
        // Errors are returned, not thrown: each id gets its own outcome.
        Promise.all(
          ids.map((id) => run(() => this.service.lookup(provider, id, { signal: this.signal, notBefore })).catch((error: Error) => error)),
        ),
      );
      this.loaders.set(key, loader);
    }
    return loader;
  }
}
