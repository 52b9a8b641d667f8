import type { SharedWrite } from '../lookup/shared-tier.js';
import type { RedisConnection } from './connection.js';
import { FIELDS, type DecodedEntry, type EntryCodec } from './entry-format.js';
import { runEntryWrite } from './entry-script.js';
import { EntryWriter, type WritePlan } from './entry-writer.js';
import type { RedisMetrics, SharedCacheWrite } from './metrics.js';
import { OwedWrites } from './owed-writes.js';
import type { StoredAnswer } from './stored-answer.js';

/**
 * How long a write keeps trying while other replicas change the same parts first (each round
 * merges with what they stored and sends those parts again). Past it, the change is owed.
 */
const WRITE_WITHIN_MS = 2_000;
/** And at most this many rounds (each one a round trip that another replica's write won). */
const MOST_ROUNDS = 50;

/** How often owed changes are sent again while Redis answers, and how many at a time. */
const REPAY_EVERY_MS = 1_000;
const REPAY_AT_ONCE = 100;

/** Keys per pipeline when many entries are read at once (a resync after pub/sub resumed). */
const READ_CHUNK = 100;

export interface SharedCacheOptions {
  /** The most parts (D7 messages) an entry may hold: MAX_MESSAGES_PER_RECORD + MAX_UNCONFIRMED_MESSAGES_PER_REPORT. */
  maxParts: number;
  /**
   * Tells the other replicas of an owed change once it lands (a status event with the whole
   * answer); false when it could not. The event of the change itself went out while Redis was
   * away, so it was lost: without this, replicas whose pub/sub never dropped would not hear of it.
   */
  announce?: (key: string, answer: StoredAnswer) => Promise<boolean>;
}

type CacheMetrics = Pick<RedisMetrics, 'sharedCacheRead' | 'sharedCacheWrite' | 'sharedCacheConflicts' | 'sentBytes' | 'observeOwed' | 'owedDropped'>;

/**
 * The second cache tier, shared by every replica: each answer a hash under
 * `<prefix>entry:<key>` (entry-format.ts), expiring by Redis TTL. A write sends what changed
 * (the parts that differ: one D7 message for one delivery event), each part compare-and-set
 * against what the writer believes is stored; a part another replica changed first is merged
 * with it by the status merge and sent again, so a replica holding an older answer never
 * overwrites a newer one, and every writer's change lands. A change that cannot land in time
 * (Redis away, or the same parts rewritten by others throughout) is owed and sent again whole:
 * with the key's next write, every second while Redis answers, and when pub/sub resumes; once it
 * lands it is announced to the other replicas, whose status event went out while Redis was away.
 */
export class SharedCache {
  private readonly writer: EntryWriter;
  private readonly owed: OwedWrites;
  private readonly repayTimer: NodeJS.Timeout;
  private readonly stopResumed: () => void;
  private repaying = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly codec: EntryCodec,
    private readonly options: SharedCacheOptions,
    private readonly metrics?: CacheMetrics,
  ) {
    this.writer = new EntryWriter(codec, options.maxParts);
    this.owed = new OwedWrites(undefined, () => metrics?.owedDropped());
    metrics?.observeOwed(() => this.owed.size);
    this.repayTimer = setInterval(() => void this.repay(), REPAY_EVERY_MS);
    // Never keeps the process alive by itself.
    this.repayTimer.unref();
    this.stopResumed = redis.onPubSubResumed(() => void this.repay());
  }

  /** The Redis name of the entry for `key` (single flight waits for it to appear). */
  entryKey(key: string): string {
    return this.redis.key(`entry:${key}`);
  }

  /** The stored answer, or undefined: absent, corrupt, of another version, or Redis unavailable. */
  async read(key: string): Promise<StoredAnswer | undefined> {
    return this.entryRead(await this.redis.run('cache_get', (r) => r.hgetall(this.entryKey(key))));
  }

  /**
   * The stored answers of many keys (undefined for each that has none, or when Redis does not
   * answer), `READ_CHUNK` keys per pipelined round trip.
   */
  async readMany(keys: readonly string[]): Promise<(StoredAnswer | undefined)[]> {
    const answers: (StoredAnswer | undefined)[] = [];
    for (let start = 0; start < keys.length; start += READ_CHUNK) {
      const chunk = keys.slice(start, start + READ_CHUNK);
      const replies = await this.redis.run('cache_mget', (r) => {
        const pipeline = r.pipeline();
        for (const key of chunk) pipeline.hgetall(this.entryKey(key));
        return pipeline.exec();
      });
      for (let i = 0; i < chunk.length; i++) {
        const [error, fields] = replies?.[i] ?? [null, undefined];
        answers.push(this.entryRead(error ? undefined : (fields as Record<string, string> | undefined)));
      }
    }
    return answers;
  }

  /**
   * What HGETALL of an entry answered (an object, or a script's flat list; undefined: Redis did
   * not answer), decoded and counted as a read.
   */
  entryRead(fields: Readonly<Record<string, string>> | readonly string[] | undefined): StoredAnswer | undefined {
    if (fields === undefined) {
      this.metrics?.sharedCacheRead('unavailable');
      return undefined;
    }
    const empty = Array.isArray(fields) ? fields.length === 0 : Object.keys(fields).length === 0;
    const answer = empty ? undefined : this.codec.decode(fields)?.answer;
    this.metrics?.sharedCacheRead(answer ? 'hit' : empty ? 'miss' : 'invalid');
    return answer;
  }

  /**
   * Stores a change merged with what the entry holds. True once Redis holds it (or as much);
   * false when it is owed (sent again later by itself). Never rejects; callers need not wait.
   */
  async store(key: string, write: SharedWrite): Promise<boolean> {
    const owed = this.owed.get(key);
    const ttlMs = write.after.checkedAt + write.lifetimeOf(write.after) - Date.now();
    if (ttlMs < 1) {
      // Past its lifetime: nothing to keep, and nothing owed for the key any longer either.
      if (owed) this.owed.paid(key, owed);
      this.wrote('kept');
      return true;
    }
    // A key owed a change is written whole: the earlier change travels with this one.
    const plan = owed || !write.before ? this.writer.whole(write.after, ttlMs) : this.writer.change(write.before, write.after, ttlMs);
    const result = this.wrote(await this.land(key, plan, write));
    if (result === 'written' || result === 'kept') {
      if (owed) {
        this.owed.paid(key, owed);
        // Not announced yet: owed again, so the next repay writes and announces it once more.
        if (result === 'written' && this.options.announce && !(await this.options.announce(key, write.after))) this.owed.owe(key, write);
      }
      return true;
    }
    this.owed.owe(key, write);
    return false;
  }

  /** Owed changes (how many, for tests and diagnostics). */
  get owedCount(): number {
    return this.owed.size;
  }

  /** Sends owed changes again (whole, merged with what is stored), oldest first, while Redis answers. */
  async repay(): Promise<void> {
    if (this.repaying || this.owed.size === 0 || this.redis.state !== 'up') return;
    this.repaying = true;
    try {
      for (const [key, write] of this.owed.oldest(REPAY_AT_ONCE)) {
        if (!(await this.store(key, write)) && this.redis.state !== 'up') break;
      }
    } finally {
      this.repaying = false;
    }
  }

  close(): void {
    clearInterval(this.repayTimer);
    this.stopResumed();
  }

  /** Runs `plan`, then what the replies call for (merged parts, the whole answer), until it lands, is superseded, or the window ends. */
  private async land(key: string, first: WritePlan, write: SharedWrite): Promise<SharedCacheWrite> {
    const entry = this.entryKey(key);
    const deadline = Date.now() + WRITE_WITHIN_MS;
    let plan: WritePlan | undefined = first;
    let applied = first.fields.length === 0;
    for (let round = 0; plan; round += 1) {
      if (round === MOST_ROUNDS || (round > 0 && Date.now() > deadline)) return 'conflict';
      const sending: WritePlan = plan;
      this.metrics?.sentBytes('cache_write', sending.head.length + sending.fields.reduce((sum, f) => sum + f.field.length + f.expected.length + f.text.length, 0));
      const reply = await this.redis.run('cache_store', (r) => runEntryWrite((script, keys, args) => script.run(r, keys, args), entry, sending));
      if (!reply) return 'unavailable';
      if (reply.status === 'absent') {
        // Expired or never written: the whole answer, not a change to nothing.
        plan = this.writer.whole(write.after, sending.ttlMs);
        continue;
      }
      if (reply.status === 'kind') {
        const stored: DecodedEntry | undefined = this.codec.decode(reply.entry);
        // Unreadable (corrupt, another version): replaced, while nobody else writes it meanwhile.
        plan = stored ? this.writer.againstStored(stored, write.after, write.merge, sending.ttlMs) : this.writer.whole(write.after, sending.ttlMs, writesOf(reply.entry));
        continue;
      }
      if (reply.conflicts.length < sending.fields.length) applied = true;
      if (reply.conflicts.length === 0) break;
      this.metrics?.sharedCacheConflicts(reply.conflicts.length);
      plan = this.writer.resolve(sending, reply.conflicts, write.merge);
    }
    return applied ? 'written' : 'kept';
  }

  private wrote(result: SharedCacheWrite): SharedCacheWrite {
    this.metrics?.sharedCacheWrite(result);
    return result;
  }
}

/** The write count in an entry's flat field list ('' for none). */
function writesOf(flat: readonly string[]): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === FIELDS.writes) return flat[i + 1]!;
  return '';
}
