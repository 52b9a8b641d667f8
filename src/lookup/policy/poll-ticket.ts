import { ProviderFailure } from '../../domain/provider-failure.js';
import { INTERACTIVE, POLL, type Lane, type QueuedCall } from './bulkhead.js';

/**
 * Marks a lookup as a watcher poll, and follows it through the bulkhead. The watcher makes
 * one per poll (interactive lookups pass none and pay nothing). An interactive lookup that
 * joins the poll's single flight promotes it, so that it never waits behind the poll lane;
 * the watcher withdraws it when it is no longer needed (its last subscriber left, or a fresher
 * answer arrived while it waited), so that no needless poll keeps its place in the queue.
 */
export class PollTicket {
  /** `owner`: the client whose turn the poll takes in the poll lane (polls are served in turn across clients). */
  constructor(readonly owner = '') {}

  /** The lane to ask for: POLL until an interactive lookup joins. */
  lane: Lane = POLL;
  /** Its place in a bulkhead queue, while it waits there. */
  queued: QueuedCall | undefined;
  /** It holds a slot: its call goes upstream, withdrawing it does nothing any more. */
  started = false;
  /** Withdrawn before it went upstream: its lookup rejects with `pollWithdrawn`, and nobody may join it. */
  withdrawn = false;

  /** An interactive lookup joined: undefined, or the failure it gets when the interactive queue is full. */
  promote(): ProviderFailure | undefined {
    if (this.lane === INTERACTIVE) return undefined;
    if (!this.queued) {
      // Not in the bulkhead yet (before it, or its call already runs): it asks for the interactive lane, if it asks at all.
      this.lane = INTERACTIVE;
      return undefined;
    }
    const refused = this.queued.promote();
    if (!refused) this.lane = INTERACTIVE;
    return refused;
  }

  /**
   * The watcher no longer needs it: withdrawn unless it already holds a slot; a promoted one
   * goes on for the interactive lookups that joined it. Whether it was withdrawn.
   */
  withdraw(provider: string): boolean {
    if (this.lane !== POLL || this.started || this.withdrawn) return this.withdrawn;
    this.withdrawn = true;
    this.queued?.withdraw(pollWithdrawn(provider));
    return true;
  }
}

/** The failure of a poll withdrawn before it went upstream (no longer needed). Ours, so `local`. */
export function pollWithdrawn(provider: string): ProviderFailure {
  return new ProviderFailure({ provider, code: 'UNAVAILABLE', message: `${provider} poll withdrawn before it went upstream: no longer needed`, local: true });
}
