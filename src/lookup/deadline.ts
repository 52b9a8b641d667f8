import { deadlineTimeout, type ProviderFailure } from '../domain/provider-failure.js';

interface Waiter {
  provider: string;
  settle(outcome: ProviderFailure): void;
}

/**
 * One request's deadline. A lookup waiting on an upstream call (possibly shared with other
 * requests) answers TIMEOUT when this request's time is up; the call itself goes on for the
 * others. One timer per request, running only while something waits, instead of an
 * AbortSignal and a listener per lookup.
 */
export class RequestDeadline {
  private readonly waiting = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;

  /** `at`: epoch ms. */
  constructor(readonly at: number) {}

  get expired(): boolean {
    return Date.now() >= this.at;
  }

  /**
   * What `promise` settles to, its error as a value, or a TIMEOUT failure for `provider` if this
   * request's deadline comes first; never rejects (each lookup of a batch has its own outcome,
   * and no `.catch` promise is needed on top).
   */
  settled<T>(promise: Promise<T>, provider: string): Promise<T | Error> {
    if (this.expired) return Promise.resolve(deadlineTimeout(provider));
    return new Promise<T | Error>((resolve) => {
      const waiter: Waiter = { provider, settle: resolve };
      this.waiting.add(waiter);
      this.timer ??= setTimeout(() => this.expire(), this.at - Date.now());
      const done = (outcome: T | Error) => {
        this.waiting.delete(waiter);
        if (this.waiting.size === 0 && this.timer) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
        resolve(outcome);
      };
      promise.then(done, done);
    });
  }

  private expire(): void {
    this.timer = undefined;
    for (const waiter of this.waiting) waiter.settle(deadlineTimeout(waiter.provider));
    this.waiting.clear();
  }
}
