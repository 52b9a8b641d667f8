import type { ProviderFailure } from '../../domain/provider-failure.js';
import type { Verdict } from './retry-rules.js';

/** The two levels a transition is logged at (a pino logger fits). */
export interface HealthLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/**
 * Faults in a row before a provider is called failing: one fault that a retry got past is a
 * blip (counted in /metrics), not an outage worth a log line; two in a row is how every
 * request to an unreachable provider starts (its first attempt and first retry).
 */
export const FAILING_AFTER_FAULTS = 2;

/**
 * One provider's health as the logs tell it: a line per transition, never per request.
 * `failing` (warn) once FAILING_AFTER_FAULTS upstream attempts in a row were the provider's
 * fault (retry-rules.ts `fault`); `answers again` (info) at its first answer after that. The
 * breaker's own transitions (opened: warn, closed: info) are told by `breaker`; a probe that
 * fails while it is open is no transition (it stays open), so an outage is two lines at most
 * while it lasts and two when it ends.
 */
export class ProviderHealth {
  private faultsInARow = 0;
  private failing = false;

  constructor(
    private readonly provider: string,
    private readonly log: HealthLogger | undefined,
    private readonly breakerHalfOpenMs: number,
  ) {}

  /** One upstream attempt's outcome: undefined when it answered, else its failure and what that says. */
  attempt(failure: ProviderFailure | undefined, verdict: Verdict = 'answered'): void {
    if (verdict === 'unknown') return;
    if (verdict === 'answered') {
      this.faultsInARow = 0;
      if (!this.failing) return;
      this.failing = false;
      this.log?.info({ provider: this.provider, health: 'up' }, `${this.provider} answers again`);
      return;
    }
    this.faultsInARow += 1;
    if (this.failing || this.faultsInARow < FAILING_AFTER_FAULTS) return;
    this.failing = true;
    this.log?.warn(
      { provider: this.provider, health: 'failing', code: failure?.code, httpStatus: failure?.httpStatus, reason: failure?.message },
      `${this.provider} is failing: its lookups answer ProviderError ${failure?.code ?? 'UNAVAILABLE'} until it recovers`,
    );
  }

  /** The breaker moved between closed and open (not a failed probe, which keeps it open). */
  breaker(state: 'Open' | 'Closed', failures: number): void {
    if (state === 'Open') {
      this.log?.warn(
        { provider: this.provider, breaker: 'open', failures },
        `${this.provider} circuit open after ${failures} failures in a row: its lookups fail at once (UNAVAILABLE) and a probe goes through every ${this.breakerHalfOpenMs} ms`,
      );
    } else {
      this.log?.info({ provider: this.provider, breaker: 'closed' }, `${this.provider} circuit closed: a probe succeeded, calls go through again`);
    }
  }
}
