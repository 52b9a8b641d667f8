import { ProviderFailure } from '../../domain/provider-failure.js';
import type { Verdict } from './retry-rules.js';

/** Names as /metrics and tests read them. */
export type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

/** Keys of failed probes remembered beyond the run that opened the circuit (one probe per half-open window adds at most one). */
const MAX_PROBE_KEYS = 64;

/**
 * A consecutive-failure circuit breaker for one provider. A run of failures that count against
 * the provider, with no success between them, opens it once it spans `threshold` distinct keys
 * (message ids); while open, calls fail at once; after `halfOpenMs` one probe goes through and
 * the calls that arrive meanwhile wait for its verdict. Failures that do not count (a bad id,
 * bad credentials, a malformed body; our own deadline or queue) leave the run as it is: only
 * what the provider did moves the breaker.
 *
 * Why distinct keys: the circuit is shared by every client, so one message the provider always
 * fails on (D7's sandbox serverError id; a poisoned record upstream) asked again and again must
 * not open it for everyone. A repeat of a key already in the run adds nothing (nor does it end
 * the run); an outage fails every id, so a run over `threshold` ids comes as soon as traffic
 * spans that many. A hostile caller needs `threshold` ids the provider fails on, not the three
 * the sandbox documents (500, 429, slow). Not per caller: one upstream call is shared by every
 * caller waiting on that id (single flight), so it has no one caller to count. The same holds
 * for the half-open probe: one failing on a key already seen failing gives no verdict.
 */
export class CircuitBreaker {
  private current: CircuitState = 'Closed';
  /** Faults in the current run, repeats included: what the health log tells. */
  private failures = 0;
  /**
   * Keys of the current run: fewer than `threshold` while closed, cleared on a success; while open,
   * the run's and those of failed probes (at most `threshold` + MAX_PROBE_KEYS), cleared on closing.
   */
  private readonly runKeys = new Set<string>();
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
   * Runs `call` about `key` (the message id) under the breaker. `judge(error)` tells what a
   * failure says about the provider (see retry-rules.ts). Rejects with an UNAVAILABLE failure,
   * without calling, while the circuit is open.
   */
  run<T>(key: string, call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    // Closed, the usual case: no frame of our own around the call's (one per id on the lookup path).
    return this.current === 'Closed' ? this.closedCall(key, call, judge) : this.notClosed(key, call, judge);
  }

  private async notClosed<T>(key: string, call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    for (;;) {
      if (this.current === 'Closed') return this.closedCall(key, call, judge);
      if (this.current === 'HalfOpen') {
        await this.probe!.catch(() => undefined);
        continue;
      }
      if (this.now() - this.openedAt < this.halfOpenMs) throw this.openFailure();
      return this.probeCall(key, call, judge);
    }
  }

  private async closedCall<T>(key: string, call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    try {
      const value = await call();
      // Happy path: one comparison; the set is touched only when a run ends.
      if (this.failures !== 0) this.endRun();
      return value;
    } catch (error) {
      if (this.current === 'Closed' && judge(error) === 'fault') {
        this.failures += 1;
        this.runKeys.add(key);
        if (this.runKeys.size >= this.threshold) this.open();
      }
      throw error;
    }
  }

  private probeCall<T>(key: string, call: () => Promise<T>, judge: (error: unknown) => Verdict): Promise<T> {
    this.current = 'HalfOpen';
    const probe = call().then(
      (value) => {
        this.close();
        return value;
      },
      (error: unknown) => {
        const verdict = judge(error);
        // A probe failing on a message that failed before (in the run that opened the circuit or
        // an earlier probe) says nothing new: that one message may be all that is wrong. No
        // verdict then, and the next call probes at once; otherwise one caller asking for it
        // first in every window would hold the circuit open for everyone after a recovery.
        if (verdict === 'fault' && this.runKeys.has(key)) this.reprobe();
        else if (verdict === 'fault') this.reopen(key);
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

  private endRun(): void {
    this.failures = 0;
    this.runKeys.clear();
  }

  private open(): void {
    if (this.current === 'Closed') this.onTransition?.('Open', this.failures);
    // The run's keys stay while the circuit is open: a probe failing on one of them gives no verdict.
    this.current = 'Open';
    this.openedAt = this.now();
    this.probe = undefined;
  }

  /** A probe failed on a message not seen failing before: open again, and remember it (a bounded set). */
  private reopen(key: string): void {
    if (this.runKeys.size >= this.threshold + MAX_PROBE_KEYS) this.runKeys.delete(this.runKeys.values().next().value!);
    this.runKeys.add(key);
    this.open();
  }

  private reprobe(): void {
    this.current = 'Open';
    this.openedAt = this.now() - this.halfOpenMs;
    this.probe = undefined;
  }

  private close(): void {
    if (this.current !== 'Closed') this.onTransition?.('Closed', this.failures);
    this.current = 'Closed';
    this.endRun();
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
