import { ProviderFailure } from '../../domain/provider-failure.js';
import { FairQueue } from './fair-queue.js';

/** Interactive lookups (queries, entities) and watcher polls: each has its own slots and queue per provider. */
export const INTERACTIVE = 0;
export const POLL = 1;
export type Lane = typeof INTERACTIVE | typeof POLL;
/** Label values, by lane. */
export const LANE_NAMES = ['interactive', 'poll'] as const;

interface LaneState {
  active: number;
  /** Slots now: fixed, or moved by the provider's adaptive limit (see `setLimit`). */
  concurrency: number;
  readonly queueMax: number;
  /** Interactive: a plain FIFO array. Polls: served in turn across clients (FairQueue). */
  readonly waiting: WaitQueue;
}

/** What a lane needs of its queue: a Waiter[] has it, and so has a FairQueue. */
interface WaitQueue {
  readonly length: number;
  push(waiter: Waiter): unknown;
  shift(): Waiter | undefined;
}

/** A caller waiting for a slot, as the caller can act on it (see `acquire`). */
export interface QueuedCall {
  /** Leaves the queue, rejecting the wait with `failure`; nothing when already served. */
  withdraw(failure: ProviderFailure): void;
  /**
   * Moves a waiting poll to the interactive lane (an interactive lookup joined it): it takes a
   * free interactive slot, or waits at the back of the interactive queue. A full interactive
   * queue refuses (the failure is returned; the poll keeps its place in its own lane).
   */
  promote(): ProviderFailure | undefined;
}

class Waiter implements QueuedCall {
  constructor(
    private readonly bulkhead: Bulkhead,
    public lane: Lane,
    readonly resume: (lane: Lane) => void,
    readonly reject: (error: ProviderFailure) => void,
    /** The client whose turn it waits for in the poll lane ('' for none). */
    readonly owner: string,
  ) {}

  withdraw(failure: ProviderFailure): void {
    if (this.bulkhead.remove(this)) this.reject(failure);
  }

  promote(): ProviderFailure | undefined {
    return this.lane === INTERACTIVE ? undefined : this.bulkhead.promote(this);
  }
}

/**
 * At most `concurrency` upstream calls of one provider at once per lane, and at most
 * `queueMax` waiting; more fail fast as a retryable UNAVAILABLE. A slot is handed straight to
 * the next waiter of its lane: first come first served in the interactive lane; in the poll
 * lane in turn across the clients with polls waiting (first come first served within one), so
 * that one client's thousand watchers cannot delay another's polls by more than a turn each.
 * The lanes never lend each other slots:
 * watcher polls can hold the poll lane's slots only, so interactive lookups never wait behind
 * them. On the hot path a free slot costs one counter increment.
 */
export class Bulkhead {
  private readonly lanes: readonly [LaneState, LaneState];

  /**
   * `pollConcurrency`: the poll lane's slots. Its queue has no cap of its own: each watcher has
   * at most one poll under way, so it holds at most the watchers (SUBSCRIPTION_MAX_WATCHERS).
   */
  constructor(
    private readonly provider: string,
    concurrency: number,
    queueMax: number,
    pollConcurrency: number,
  ) {
    this.lanes = [
      { active: 0, concurrency, queueMax, waiting: [] },
      { active: 0, concurrency: pollConcurrency, queueMax: Number.POSITIVE_INFINITY, waiting: new FairQueue<Waiter>() },
    ];
  }

  /** Calls waiting for a slot of `lane` now. */
  queueLength(lane: Lane): number {
    return this.lanes[lane].waiting.length;
  }

  /** Slots of `lane` held now. */
  activeCount(lane: Lane): number {
    return this.lanes[lane].active;
  }

  /** Slots of `lane` now. */
  limit(lane: Lane): number {
    return this.lanes[lane].concurrency;
  }

  /**
   * Moves the number of slots of `lane`. Raised: waiters take the new slots at once. Lowered:
   * calls holding a slot run to their end; `release` hands no slot on until fewer than
   * `slots` are held.
   */
  setLimit(lane: Lane, slots: number): void {
    const state = this.lanes[lane];
    state.concurrency = slots;
    while (state.active < slots) {
      const next = state.waiting.shift();
      if (!next) break;
      state.active += 1;
      next.resume(lane);
    }
  }

  /**
   * Undefined when a slot of `lane` is this caller's at once; else a promise of the lane whose
   * slot it got (a poll may be promoted while it waits), or a rejection when the queue is full.
   * Either way `release(lane)` must follow a slot. `onWait` receives the caller's place in the
   * queue (to withdraw it at a deadline, or promote it). `owner`: the client a poll waits for
   * (polls are served in turn across owners); interactive callers pass none.
   */
  acquire(lane: Lane, onWait?: (queued: QueuedCall) => void, owner = ''): Promise<Lane> | undefined {
    const state = this.lanes[lane];
    if (state.active < state.concurrency) {
      state.active += 1;
      return undefined;
    }
    if (state.waiting.length >= state.queueMax) return Promise.reject(this.full());
    return new Promise<Lane>((resume, reject) => {
      const waiter = new Waiter(this, lane, resume, reject, owner);
      state.waiting.push(waiter);
      onWait?.(waiter);
    });
  }

  release(lane: Lane): void {
    const state = this.lanes[lane];
    // Over a lowered limit the slot is given up, not handed on.
    const next = state.active <= state.concurrency ? state.waiting.shift() : undefined;
    if (next) next.resume(lane);
    else state.active -= 1;
  }

  /** @internal (Waiter) Whether `waiter` was still queued; it is not any more. */
  remove(waiter: Waiter): boolean {
    const queue = this.lanes[waiter.lane].waiting;
    if (queue instanceof FairQueue) return queue.remove(waiter);
    const waiting = queue as Waiter[];
    const at = waiting.indexOf(waiter);
    if (at < 0) return false;
    waiting.splice(at, 1);
    return true;
  }

  /** Clients with polls waiting now (each has its own queue in the poll lane; none once they are served). */
  pollOwners(): number {
    return (this.lanes[POLL].waiting as FairQueue<Waiter>).owners;
  }

  /** @internal (Waiter) Only a poll is ever promoted: it waits in the poll lane's FairQueue. */
  promote(waiter: Waiter): ProviderFailure | undefined {
    const queue = this.lanes[waiter.lane].waiting as FairQueue<Waiter>;
    // Already served (its call runs): joining it waits for that call only.
    if (!queue.includes(waiter)) return undefined;
    const target = this.lanes[INTERACTIVE];
    const free = target.active < target.concurrency;
    if (!free && target.waiting.length >= target.queueMax) return this.full();
    queue.remove(waiter);
    waiter.lane = INTERACTIVE;
    if (free) {
      target.active += 1;
      waiter.resume(INTERACTIVE);
    } else {
      target.waiting.push(waiter);
    }
    return undefined;
  }

  private full(): ProviderFailure {
    return new ProviderFailure({ provider: this.provider, code: 'UNAVAILABLE', message: `${this.provider} has too many lookups waiting; try again shortly`, local: true });
  }
}
