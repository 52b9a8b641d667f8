import { deadlineTimeout, type ProviderFailure } from '../domain/provider-failure.js';

interface Waiter {
  provider: string;
  reject(error: ProviderFailure): void;
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

  /** `promise`, or a TIMEOUT failure for `provider` if this request's deadline comes first. */
  guard<T>(promise: Promise<T>, provider: string): Promise<T> {
    if (this.expired) return Promise.reject(deadlineTimeout(provider));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { provider, reject };
      this.waiting.add(waiter);
      this.timer ??= setTimeout(() => this.expire(), this.at - Date.now());
      const done = () => {
        this.waiting.delete(waiter);
        if (this.waiting.size === 0 && this.timer) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
      };
      promise.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error as Error);
        },
      );
    });
  }

  private expire(): void {
    this.timer = undefined;
    for (const waiter of this.waiting) waiter.reject(deadlineTimeout(waiter.provider));
    this.waiting.clear();
  }
}
