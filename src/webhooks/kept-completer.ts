import type { MessageStatusRecord } from '../domain/message-status.js';
import { mergeWholeRecords, type RecordMerge } from '../domain/status-merge.js';
import type { Logger } from '../logger.js';
import type { KeptAnswers } from '../lookup/kept-answers.js';
import type { KeptEntry, KeptJournal, KeptPart } from '../lookup/kept-part.js';
import type { StatusService } from '../lookup/status-service.js';
import { LogBudget, WEBHOOK_REFUSALS } from '../observability/log-budget.js';
import type { RateLimiter } from '../security/rate-limit.js';

/** The first retry of a GET; each later one waits about as long again as the newest kept part has waited (doubling), up to the cap. */
export const FIRST_RETRY_MS = 1_000;
/** How often every replica looks for records whose GET is due (a receiver that died, a backoff run out). */
const TICK_MS = 1_000;
/** Records claimed at once. */
const CLAIM_LIMIT = 50;

export interface KeptCompleterOptions {
  service: Pick<StatusService, 'offer' | 'fetchUpstream'>;
  /** This process's kept parts: its journal without Redis; with Redis, its copy of what it kept or claimed, for the cache. */
  local: KeptAnswers;
  /** The deployment's journal (Redis), when there is one. */
  shared?: KeptJournal;
  /** The status merge of each provider whose records have parts (D7); others merge whole records. */
  merges: ReadonlyMap<string, RecordMerge>;
  /** WEBHOOK_FETCHES_PER_MINUTE, per provider, shared with the other fetches webhooks cause. */
  budget: Pick<RateLimiter, 'take'>;
  fetchSkipped?(provider: string): void;
  /** Hears kept parts end: shown by the provider, or expired first. */
  ended?(provider: string, result: 'shown' | 'expired', parts: number): void;
  /** Longest wait between two GETs of one record (CACHE_TTL_MOVING_MS, within 1 to 30 s: a shared entry it refreshes does not lapse between them). */
  retryCapMs: number;
  /** How long a claim holds a record; a replica that dies holding it gives it up then (a GET's deadline and a margin). */
  leaseMs: number;
  logger: Pick<Logger, 'warn'>;
  now?: () => number;
}

/**
 * Retries, with backoff, the GET of every record holding kept webhook parts, until the
 * provider's answer shows each part (merged with it, the answer takes nothing from it) or the
 * part expires. Each try first merges the kept parts into what this replica knows (its cache may
 * have dropped them, or another replica received them), so the GET's answer completes the
 * partial record through the status merge instead of replacing it. One try per record at a time
 * in this process; with Redis, a record is claimed by one replica at a time, and taken over by
 * another when that one dies. Tries spend WEBHOOK_FETCHES_PER_MINUTE; past it they wait.
 */
export class KeptCompleter {
  private readonly running = new Set<string>();
  private readonly now: () => number;
  private readonly logs = new LogBudget(WEBHOOK_REFUSALS);
  private readonly timer: NodeJS.Timeout;
  private kicked = false;
  private closed = false;

  constructor(private readonly options: KeptCompleterOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.run(true), TICK_MS);
    this.timer.unref();
  }

  /**
   * An event's part was just kept: its GET is tried now. Kept in Redis (`leased`), by this
   * replica directly, under the lease its keep took; kept in this process, through a claim soon.
   */
  kept(entry: KeptEntry, leased?: { leaseUntil: number }): void {
    if (this.closed) return;
    if (leased && this.options.shared) void this.attempt(entry, this.options.shared, leased.leaseUntil, false);
    else this.kick();
  }

  /** Looks for due records soon: coalesced, one claim per turn of the event loop. */
  private kick(): void {
    if (this.kicked || this.closed) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.run(false);
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private run(tick: boolean): void {
    if (this.closed) return;
    const { local, shared } = this.options;
    // With Redis, this process's copies of parts it no longer works on: their journal counts them.
    if (tick && shared) local.sweep(this.now());
    // With Redis, this process's own journal holds only what Redis could not take.
    for (const journal of shared ? [shared, local] : [local]) {
      const now = this.now();
      const leaseUntil = now + this.options.leaseMs;
      void journal.claim(now, CLAIM_LIMIT, leaseUntil).then((entries) => {
        // Claimed from Redis: perhaps never heard here (another replica received it, and died).
        for (const entry of entries) void this.attempt(entry, journal, leaseUntil, journal === shared);
      });
    }
  }

  /** `unheard`: the parts may be news to this replica (told to its subscribers, and copied here, before the GET). */
  private async attempt(entry: KeptEntry, journal: KeptJournal, leaseUntil: number, unheard: boolean): Promise<void> {
    const { provider, id } = entry;
    const key = `${provider}:${id}`;
    // Claimed again while its try is under way here (an event made it due): after this one.
    if (this.running.has(key)) return journal.settle(entry, [], this.now() + FIRST_RETRY_MS, leaseUntil);
    this.running.add(key);
    try {
      const { service, local } = this.options;
      const merge = this.options.merges.get(provider) ?? mergeWholeRecords;
      const now = this.now();
      const live = entry.parts.filter((part) => part.expiresAt > now);
      if (unheard) {
        for (const part of live) local.keepNow(provider, id, part, merge, Number.POSITIVE_INFINITY);
        for (const part of live) service.offer(provider, id, part.record, part.observedAt);
      }
      let answered: MessageStatusRecord | null | undefined;
      if (live.length > 0) {
        if (this.options.budget.take(provider).ok) {
          answered = await service.fetchUpstream(provider, id).catch((error: unknown) => {
            const line = this.logs.line(`${provider}|failed`, { provider, id, err: error });
            if (line) this.options.logger.warn(line, 'a GET to complete kept webhook events failed; retrying with backoff');
            return undefined;
          });
        } else {
          this.options.fetchSkipped?.(provider);
        }
      }
      const shown = (part: KeptPart) => part.expiresAt <= now || (answered !== undefined && answered !== null && merge(answered, part.record) === answered);
      const done = entry.parts.filter(shown);
      const expired = done.filter((part) => part.expiresAt <= now).length;
      if (expired > 0) {
        this.options.ended?.(provider, 'expired', expired);
        this.logExpired(provider, expired);
      }
      if (done.length > expired) this.options.ended?.(provider, 'shown', done.length - expired);
      const waiting = live.filter((part) => !shown(part));
      const after = this.now();
      const newest = Math.max(...waiting.map((part) => part.receivedAt), Number.NEGATIVE_INFINITY);
      const dueAt = after + Math.min(this.options.retryCapMs, Math.max(0, after - newest) + FIRST_RETRY_MS);
      await journal.settle(entry, done, dueAt, leaseUntil);
      if (journal !== local) local.forget(key, shown);
    } finally {
      this.running.delete(key);
    }
  }

  private logExpired(provider: string, parts: number): void {
    const line = this.logs.line(`${provider}|expired`, { provider, parts });
    if (line) this.options.logger.warn(line, 'kept webhook events expired before the provider showed them (UNCONFIRMED_MESSAGE_TTL_MS)');
  }
}
