import { ProviderFailure } from '../../domain/provider-failure.js';

/** Names as /metrics and tests read them. */
export type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

/**
 * A consecutive-failure circuit breaker for one provider. `threshold` failures in a row that
 * count against the provider open it; while open, calls fail at once; after `halfOpenMs` one
 * probe goes through and the calls that arrive meanwhile wait for its verdict. Failures that
 * do not count (a bad id, bad credentials, a malformed body) leave the count as it is.
 */
export class CircuitBreaker {
  private current: CircuitState = 'Closed';
  private failures = 0;
  private openedAt = 0;
  private probe: Promise<unknown> | undefined;

  constructor(
    private readonly provider: string,
    private readonly threshold: number,
    private readonly halfOpenMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /**
   * Runs `call` under the breaker. `counts(error)` tells whether a failure counts against the
   * provider. Rejects with an UNAVAILABLE failure, without calling, while the circuit is open.
   */
  async run<T>(call: () => Promise<T>, counts: (error: unknown) => boolean): Promise<T> {
    for (;;) {
      if (this.current === 'Closed') return this.closedCall(call, counts);
      if (this.current === 'HalfOpen') {
        await this.probe!.catch(() => undefined);
        continue;
      }
      if (this.now() - this.openedAt < this.halfOpenMs) throw this.openFailure();
      return this.probeCall(call, counts);
    }
  }

  private async closedCall<T>(call: () => Promise<T>, counts: (error: unknown) => boolean): Promise<T> {
    try {
      const value = await call();
      this.failures = 0;
      return value;
    } catch (error) {
      if (counts(error) && this.current === 'Closed') {
        this.failures += 1;
        if (this.failures >= this.threshold) this.open();
      }
      throw error;
    }
  }

  private probeCall<T>(call: () => Promise<T>, counts: (error: unknown) => boolean): Promise<T> {
    this.current = 'HalfOpen';
    const probe = call().then(
      (value) => {
        this.close();
        return value;
      },
      (error: unknown) => {
        // An answer that is not the provider's fault still shows the provider is back.
        if (counts(error)) this.open();
        else this.close();
        throw error;
      },
    );
    this.probe = probe;
    return probe;
  }

  private open(): void {
    this.current = 'Open';
    this.openedAt = this.now();
    this.probe = undefined;
  }

  private close(): void {
    this.current = 'Closed';
    this.failures = 0;
    this.probe = undefined;
  }

  private openFailure(): ProviderFailure {
    return new ProviderFailure({
      provider: this.provider,
      code: 'UNAVAILABLE',
      message: `${this.provider} is failing; calls are paused for a moment (circuit open)`,
    });
  }
}
