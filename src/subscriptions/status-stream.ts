import type { MessageStatusRecord } from '../domain/message-status.js';
import { isNews } from '../domain/news.js';
import type { StreamItem, StreamRef } from './subscription-requests.js';
import type { Unwatch } from './watchers.js';

export interface StreamOptions<P> {
  refs: readonly StreamRef<P>[];
  /** Whether a problem ends a ref for good (an invalid id, a provider that is not configured). */
  isFinalProblem(problem: P): boolean;
  /** Starts hearing one message's changes; called once per distinct message, before any initial answer is awaited. */
  watch(provider: string, id: string, listener: (record: MessageStatusRecord) => void): Unwatch;
  maxLifetimeMs: number;
  /** Ends the stream if nothing pulls it this long after it started (a response never sent); unset: no such bound. */
  claimWithinMs?: number;
  /** Called once when the stream ends, however it ends (every ref final, client gone, lifetime, error). */
  onEnd(): void;
}

type Item<P> = StreamItem<P>;

function isRecord<P>(item: Item<P>): item is MessageStatusRecord {
  return typeof (item as MessageStatusRecord).isFinal === 'boolean' && (item as MessageStatusRecord).fetchedAt instanceof Date;
}

/**
 * The event stream of one subscription: first the current answer of every ref in ref order,
 * then one event per change of any watched message, ending once every ref is final.
 *
 * A hand-written iterator rather than an async generator: a generator suspended on `await`
 * cannot be returned until that await settles, so a client that leaves while nothing moves
 * would keep its watchers until the next change. Here `return()` frees everything at once.
 * Memory is bounded by the refs: changes not yet pulled are kept per message (latest wins),
 * since a state supersedes the one before it.
 */
export class StatusStream<P> implements AsyncIterableIterator<Item<P>> {
  private readonly ready: Item<P>[] = [];
  /** Changes heard but not yet pulled, latest per message, in order of first arrival. */
  private readonly pending = new Map<string, MessageStatusRecord>();
  /** What each message's subscriber last saw, so the change that made an initial answer is not sent twice. */
  private readonly sent = new Map<string, MessageStatusRecord>();
  private readonly unwatch = new Map<string, Unwatch>();
  private initialSent = false;
  private ended = false;
  private failure: unknown;
  /** Pulls waiting for an item (consumers pull one at a time, but nothing here relies on it). */
  private waiting: (() => void)[] = [];
  private readonly lifetime: NodeJS.Timeout;
  private unclaimed: NodeJS.Timeout | undefined;

  constructor(private readonly options: StreamOptions<P>) {
    for (const { message } of options.refs) {
      if (!message) continue;
      const key = `${message.provider}:${message.id}`;
      if (this.unwatch.has(key)) continue;
      this.unwatch.set(
        key,
        options.watch(message.provider, message.id, (record) => this.heard(key, record)),
      );
    }
    this.lifetime = setTimeout(() => this.end(), options.maxLifetimeMs);
    this.lifetime.unref();
    if (options.claimWithinMs !== undefined) {
      this.unclaimed = setTimeout(() => this.end(), options.claimWithinMs);
      this.unclaimed.unref();
    }
    void this.sendInitial();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Item<P>>> {
    clearTimeout(this.unclaimed);
    for (;;) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        this.end();
        throw failure;
      }
      const item = this.take();
      if (item !== undefined) return { done: false, value: item };
      if (this.ended || (this.initialSent && this.unwatch.size === 0)) {
        this.end();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** The client went away (or the transport ended it): everything is freed now. */
  async return(): Promise<IteratorResult<Item<P>>> {
    this.end();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<Item<P>>> {
    this.end();
    throw error;
  }

  private take(): Item<P> | undefined {
    const item = this.ready.shift();
    if (item !== undefined || !this.initialSent) return item;
    for (const [key, record] of this.pending) {
      this.pending.delete(key);
      const before = this.sent.get(key);
      // A change the subscriber cannot see (same state and details: another road to the same
      // news, or an observation time alone) is no event.
      if (before && (before === record || !isNews(before, record))) continue;
      // What it shows is known as of the event before it at least: fetchedAt never goes back.
      const shown = before && record.fetchedAt < before.fetchedAt ? { ...record, fetchedAt: before.fetchedAt } : record;
      this.sent.set(key, shown);
      if (shown.isFinal) this.stopWatching(key);
      return shown;
    }
    return undefined;
  }

  private async sendInitial(): Promise<void> {
    let answers: Item<P>[];
    try {
      answers = await Promise.all(this.options.refs.map((ref) => ref.initial()));
    } catch (error) {
      // A refusal of the whole operation (the security guard), not a per-ref problem.
      this.failure = error;
      this.poke();
      return;
    }
    const finalKeys = new Set<string>();
    answers.forEach((answer, i) => {
      const message = this.options.refs[i]!.message;
      this.ready.push(answer);
      if (!message) return;
      const key = `${message.provider}:${message.id}`;
      if (isRecord(answer)) {
        this.sent.set(key, answer);
        // A change heard while the initial answer was on its way may be the same news by another
        // road (the answer read from the shared tier, the change heard from another replica).
        const heard = this.pending.get(key);
        if (heard && !isNews(answer, heard)) this.pending.delete(key);
        if (answer.isFinal) finalKeys.add(key);
      } else if (this.options.isFinalProblem(answer)) {
        finalKeys.add(key);
      }
    });
    for (const key of finalKeys) {
      this.stopWatching(key);
      this.pending.delete(key);
    }
    this.initialSent = true;
    this.poke();
  }

  private heard(key: string, record: MessageStatusRecord): void {
    if (this.ended) return;
    this.pending.set(key, record);
    this.poke();
  }

  private stopWatching(key: string): void {
    this.unwatch.get(key)?.();
    this.unwatch.delete(key);
  }

  private poke(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  private end(): void {
    if (this.ended) {
      this.poke();
      return;
    }
    this.ended = true;
    clearTimeout(this.lifetime);
    clearTimeout(this.unclaimed);
    for (const stop of this.unwatch.values()) stop();
    this.unwatch.clear();
    this.pending.clear();
    this.ready.length = 0;
    this.options.onEnd();
    this.poke();
  }
}
