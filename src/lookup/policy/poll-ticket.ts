import { ProviderFailure } from '../../domain/provider-failure.js';
import { INTERACTIVE, POLL, type Lane, type QueuedCall } from './bulkhead.js';

/**
 * Marks a lookup as a watcher poll, and follows it through the bulkhead. The watcher makes
 * one per poll (interactive lookups pass none and pay nothing). An interactive lookup that
 * joins the poll's single flight promotes it, so that it never waits behind the poll lane;
 * the watcher cancels it when its last subscriber leaves, so that no poll nobody wants keeps
 * its place in the queue.
 */
export class PollTicket {
  /** The lane to ask for: POLL until an interactive lookup joins. */
  lane: Lane = POLL;
  /** Its place in a bulkhead queue, while it waits there. */
  queued: QueuedCall | undefined;
  cancelled = false;

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

  /** The watcher no longer wants it: withdrawn if it still waits in the poll lane; a promoted one goes on for its joiners. */
  cancel(provider: string): void {
    if (this.lane !== POLL || this.cancelled) return;
    this.cancelled = true;
    this.queued?.withdraw(pollCancelled(provider));
  }
}

/** The failure of a poll withdrawn before it went upstream (its watcher stopped). Ours, so `local`. */
export function pollCancelled(provider: string): ProviderFailure {
  return new ProviderFailure({ provider, code: 'UNAVAILABLE', message: `${provider} poll withdrawn: nobody watches the message any more`, local: true });
}
