import { ProviderFailure } from '../../domain/provider-failure.js';
import type { Verdict } from './retry-rules.js';

/** Names as /metrics and tests read them. */
export type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

/**
 * A consecutive-failure circuit breaker for one provider. `threshold` failures in a row that
 * count against the provider open it; while open, calls fail at once; after `halfOpenMs` one
 * probe goes through and the calls that arrive meanwhile wait for its verdict. Failures that
 * do not count (a bad id, bad credentials, a malformed body; our own deadline or queue) leave
 * the count as it is: only what the provider did moves the breaker.
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
    /** Told when the circuit opens from closed, or closes: not when a failed probe keeps it open. */
    private readonly onTransition?: (state: 'Open' | 'Closed', failures: number) => void,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /**
   * Runs `call` under the breaker. `judge(error)` tells what a failure says about the provider
   * (see retry-rules.ts). Rejects with an UNAVAILABLE failure, without calling, while the circuit is open.
   */
  async run<T>(call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    for (;;) {
      if (this.current === 'Closed') return this.closedCall(call, judge);
      if (this.current === 'HalfOpen') {
        await this.probe!.catch(() => undefined);
        continue;
      }
      if (this.now() - this.openedAt < this.halfOpenMs) throw this.openFailure();
      return this.probeCall(call, judge);
    }
  }

  private async closedCall<T>(call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    try {
      const value = await call();
      this.failures = 0;
      return value;
    } catch (error) {
      if (this.current === 'Closed' && judge(error) === 'fault') {
        this.failures += 1;
        if (this.failures >= this.threshold) this.open();
      }
      throw error;
    }
  }

  private probeCall<T>(call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    this.current = 'HalfOpen';
    const probe = call().then(
      (value) => {
        this.close();
        return value;
      },
      (error: unknown) => {
        const verdict = judge(error);
        if (verdict === 'fault') this.open();
        // An answer that is not the provider's fault still shows the provider is back.
        else if (verdict === 'answered') this.close();
        // Our own limit ended the probe: no verdict; the next call probes again at once.
        else this.reprobe();
        throw error;
      },
    );
    this.probe = probe;
    return probe;
  }

  private open(): void {
    if (this.current === 'Closed') this.onTransition?.('Open', this.failures);
    this.current = 'Open';
    this.openedAt = this.now();
    this.probe = undefined;
  }

  private reprobe(): void {
    this.current = 'Open';
    this.openedAt = this.now() - this.halfOpenMs;
    this.probe = undefined;
  }

  private close(): void {
    if (this.current !== 'Closed') this.onTransition?.('Closed', this.failures);
    this.current = 'Closed';
    this.failures = 0;
    this.probe = undefined;
  }

  private openFailure(): ProviderFailure {
    return new ProviderFailure({
      provider: this.provider,
      code: 'UNAVAILABLE',
      message: `${this.provider} is failing; calls are paused for a moment (circuit open)`,
      local: true,
    });
  }
}
