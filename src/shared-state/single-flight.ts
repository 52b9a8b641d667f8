import type { RedisConnection } from './connection.js';
import { Leases, type LeaseAttempt } from './lease.js';
import type { RedisMetrics } from './metrics.js';
import { LuaScript } from './script.js';
import type { SharedCache } from './shared-cache.js';
import type { EntryCodec } from './entry-format.js';
import type { StoredAnswer } from './stored-answer.js';

// One channel for every key: each replica subscribes once at start, so waiting on a key costs
// no SUBSCRIBE round trip and no race with a publish that comes before it. A message is a
// wake-up, `<key>\n<outcome>`, not the answer: the holder has stored the answer in the cache
// entry first (on the same connection, so before the release), waiters read it there, and the
// answer's JSON is not sent to Redis a second time for replicas that mostly wait for nothing.
const CHANNEL = 'flight';
const ANSWERED = 'answered';
const FAILED = 'failed';

// One command, so a release is bounded by one command timeout: publish the wake-up, then end
// the lock only if this token still holds it (after a pause past its lifetime, another may).
const RELEASE = new LuaScript(`
redis.call('PUBLISH', ARGV[2], ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`);

// A local miss in one round trip: the cache entry if there is one, else the lock, taken if free.
// A key of another type where the entry lives reads as an entry nobody can use.
const LOOK = new LuaScript(`
local entry = redis.pcall('HGETALL', KEYS[1])
if entry['err'] then return {{'k', '?'}, 'entry'} end
if #entry > 0 then return {entry, 'entry'} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {'', 'won'} end
return {'', 'held'}`);

/** Tells one waiter the outcome: the answer, or null (no answer: it stops waiting and calls upstream). */
type Notice = (answer: StoredAnswer | null) => void;

/**
 * Single flight across replicas: a short lock per key (`acquire`) names the one replica that
 * calls upstream; the others `waitFor` its answer, published on release, or its cache entry.
 * A holder that dies never releases: its lock expires after `ttlMs`, and waiters stop waiting
 * as soon as they see the lock gone, so it costs one lock lifetime at most.
 */
export class SharedSingleFlight {
  private readonly locks: Leases;
  private readonly waiters = new Map<string, Set<Notice>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly redis: RedisConnection,
    private readonly cache: SharedCache,
    private readonly codec: EntryCodec,
    /** How often a waiter looks at the cache entry and the lock, for a lost message or a dead holder. */
    private readonly pollMs = 250,
    private readonly metrics?: Pick<RedisMetrics, 'singleFlight'>,
  ) {
    this.locks = new Leases(redis, 'flight');
    this.unsubscribe = redis.subscribe(CHANNEL, (message) => this.onMessage(message));
  }

  /** Won: call upstream, then `release`. Held: `waitFor`. Unavailable: Redis is away, call upstream. */
  async acquire(key: string, ttlMs: number): Promise<LeaseAttempt> {
    const attempt = await this.locks.acquire(key, ttlMs);
    this.metrics?.singleFlight(attempt.outcome);
    return attempt;
  }

  /**
   * The stored answer when there is an entry (no lock tried); otherwise an acquire, made in the
   * same round trip. An entry this version cannot read counts as one (claim separately).
   */
  async lookOrAcquire(key: string, ttlMs: number): Promise<{ stored: StoredAnswer | undefined; claim: LeaseAttempt | undefined }> {
    const token = this.locks.newToken();
    const reply = await this.redis.run('flight_look_or_lock', (r) => LOOK.run(r, [this.cache.entryKey(key), this.locks.leaseKey(key)], [token, ttlMs]));
    if (!Array.isArray(reply)) {
      this.cache.entryRead(undefined);
      this.metrics?.singleFlight('unavailable');
      return { stored: undefined, claim: { outcome: 'unavailable' } };
    }
    const [entry, outcome] = reply as [string[], 'entry' | 'won' | 'held'];
    if (outcome === 'entry') return { stored: this.cache.entryRead(entry), claim: undefined };
    this.cache.entryRead([]);
    this.metrics?.singleFlight(outcome);
    return { stored: undefined, claim: outcome === 'won' ? { outcome, token } : { outcome } };
  }

  /**
   * Wakes the waiters up (`answered`: they read the answer from the cache entry, stored before
   * this call; otherwise they stop waiting and call upstream themselves), then ends the lock if
   * `token` still holds it. Never rejects.
   */
  async release(key: string, token: string, answered: boolean): Promise<void> {
    const message = `${key}\n${answered ? ANSWERED : FAILED}`;
    await this.redis.run('flight_release', (r) => RELEASE.run(r, [this.locks.leaseKey(key)], [token, this.redis.key(CHANNEL), message]));
  }

  /**
   * The winner's answer (its cache entry), or undefined: it failed, its lock is gone without an
   * entry (released or expired), Redis is unavailable, or `timeoutMs` passed. Never rejects.
   * An entry observed no later than `notBefore` (one older than the waiter wants, there before
   * the winner answered) does not end the wait while the lock is held: the winner's will replace it.
   */
  waitFor(key: string, timeoutMs: number, notBefore = Number.NEGATIVE_INFINITY): Promise<StoredAnswer | undefined> {
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const waiting = set;
      let done = false;
      const finish = (answer: StoredAnswer | undefined, timedOut = false) => {
        if (done) return;
        done = true;
        this.metrics?.singleFlight(answer ? 'answered' : timedOut ? 'timed_out' : 'no_answer');
        clearTimeout(timer);
        clearInterval(poll);
        waiting.delete(notice);
        if (waiting.size === 0 && this.waiters.get(key) === waiting) this.waiters.delete(key);
        resolve(answer);
      };
      const notice: Notice = (answer) => finish(answer ?? undefined);
      const look = () =>
        void this.look(key, notBefore).then((seen) => {
          if (seen !== 'waiting') finish(seen);
        });
      waiting.add(notice);
      const timer = setTimeout(() => finish(undefined, true), timeoutMs);
      const poll = setInterval(look, this.pollMs);
      // The winner may have answered before this waiter existed: its entry is in the cache.
      look();
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /** The cache entry when there is one; undefined when the lock is gone too, or Redis did not answer. */
  private async look(key: string, notBefore = Number.NEGATIVE_INFINITY): Promise<StoredAnswer | undefined | 'waiting'> {
    const replies = await this.redis.run('flight_look', (r) => r.pipeline().hgetall(this.cache.entryKey(key)).exists(this.locks.leaseKey(key)).exec());
    if (!replies) return undefined;
    const [[, entry], [, lockExists]] = replies as [[Error | null, unknown], [Error | null, unknown]];
    const answer = entry && typeof entry === 'object' ? this.codec.decode(entry as Record<string, string>)?.answer : undefined;
    if (answer && answer.checkedAt > notBefore) return answer;
    // An older entry is handed over only once the lock is gone (the waiter merges it, then calls).
    return lockExists === 1 ? 'waiting' : answer;
  }

  private onMessage(message: string): void {
    const newline = message.indexOf('\n');
    if (newline < 0) return;
    const key = message.slice(0, newline);
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    const outcome = message.slice(newline + 1);
    if (outcome === FAILED) {
      for (const notice of [...waiting]) notice(null);
    } else if (outcome === ANSWERED) {
      // One read for every waiter of this replica.
      void this.look(key).then((seen) => {
        if (seen !== 'waiting') for (const notice of [...waiting]) notice(seen ?? null);
      });
    }
  }
}
