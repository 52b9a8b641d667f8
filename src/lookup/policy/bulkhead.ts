import { ProviderFailure } from '../../domain/provider-failure.js';

interface Waiter {
  resume(): void;
  reject(error: ProviderFailure): void;
}

/**
 * At most `concurrency` upstream calls of one provider at once, and at most `queueMax`
 * waiting; more fail fast as a retryable UNAVAILABLE. A slot is handed straight to the next
 * waiter, first come first served. On the hot path a free slot costs one counter increment.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly provider: string,
    private readonly concurrency: number,
    private readonly queueMax: number,
  ) {}

  get queueLength(): number {
    return this.waiting.length;
  }

  /**
   * Resolves once a slot is this caller's (then `release` must follow), or rejects when the
   * queue is full. `onWait` receives a function that withdraws the caller from the queue,
   * for a deadline that passes while it waits.
   */
  acquire(onWait?: (withdraw: (failure: ProviderFailure) => void) => void): Promise<void> | undefined {
    if (this.active < this.concurrency) {
      this.active += 1;
      return undefined;
    }
    if (this.waiting.length >= this.queueMax) {
      return Promise.reject(
        new ProviderFailure({ provider: this.provider, code: 'UNAVAILABLE', message: `${this.provider} has too many lookups waiting; try again shortly` }),
      );
    }
    return new Promise<void>((resume, reject) => {
      const waiter: Waiter = { resume, reject };
      this.waiting.push(waiter);
      onWait?.((failure) => {
        const at = this.waiting.indexOf(waiter);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        reject(failure);
      });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.resume();
    else this.active -= 1;
  }
}
