import type { SettleStored } from '../lookup/shared-tier.js';
import type { RedisConnection } from './connection.js';
import type { RedisMetrics, SharedCacheWrite } from './metrics.js';
import { LuaScript } from './script.js';
import type { AnswerCodec, StoredAnswer } from './stored-answer.js';

// Compare-and-set: writes ARGV[2] for ARGV[3] ms only while the entry is still ARGV[1] ('' for
// none); otherwise answers the entry as it is now, for the caller to merge with and try again.
// The merge itself stays in TypeScript (the status merge, D7's per message): one rule, not two.
const STORE = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return {0, current or ''} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return {1, ''}`);

// Each conflict means another replica wrote the key within one round trip, and each round one
// writer wins: five tries let five replicas writing one key at once all be merged.
const ATTEMPTS = 5;

/** Keys per MGET when many entries are read at once (a resync after pub/sub resumed). */
const MGET_CHUNK = 100;

/**
 * The second cache tier, shared by every replica: provider answers as versioned JSON under
 * `<prefix>cache:<key>`, expiring by Redis TTL. The caller picks the key and merges; this tier
 * stores with compare-and-set, so a replica holding an older answer never overwrites a newer one.
 */
export class SharedCache {
  constructor(
    private readonly redis: RedisConnection,
    private readonly codec: AnswerCodec,
    private readonly metrics?: Pick<RedisMetrics, 'sharedCacheRead' | 'sharedCacheWrite'>,
  ) {}

  /** The Redis name of the entry for `key` (single flight waits for it to appear). */
  entryKey(key: string): string {
    return this.redis.key(`cache:${key}`);
  }

  /** The stored answer, or undefined: absent, corrupt, of another version, or Redis unavailable. */
  async read(key: string): Promise<StoredAnswer | undefined> {
    return this.entryRead(await this.redis.run('cache_get', (r) => r.get(this.entryKey(key))));
  }

  /**
   * The stored answers of many keys (undefined for each that has none, or when Redis does not
   * answer), read `MGET_CHUNK` keys per command so that no command is large.
   */
  async readMany(keys: readonly string[]): Promise<(StoredAnswer | undefined)[]> {
    const answers: (StoredAnswer | undefined)[] = [];
    for (let start = 0; start < keys.length; start += MGET_CHUNK) {
      const chunk = keys.slice(start, start + MGET_CHUNK);
      const texts = await this.redis.run('cache_mget', (r) => r.mget(...chunk.map((key) => this.entryKey(key))));
      for (let i = 0; i < chunk.length; i++) answers.push(this.entryRead(texts === undefined ? undefined : texts[i]));
    }
    return answers;
  }

  /** What a GET of an entry answered (undefined: Redis did not answer), decoded and counted as a read. */
  entryRead(text: string | null | undefined): StoredAnswer | undefined {
    if (text === undefined) {
      this.metrics?.sharedCacheRead('unavailable');
      return undefined;
    }
    const answer = text === null ? undefined : this.codec.decode(text);
    this.metrics?.sharedCacheRead(answer ? 'hit' : text === null ? 'miss' : 'invalid');
    return answer;
  }

  /**
   * Stores what `settle` makes of the entry Redis holds (undefined when there is none this
   * version can read). The first try assumes there is none (the usual case after a miss: one
   * round trip); when there is, Redis answers it and `settle` merges again. An unreadable entry (corrupt, another version) is replaced. Never rejects;
   * callers need not wait (the answer is theirs already; a lost write costs another replica a call).
   */
  async store(key: string, settle: SettleStored): Promise<SharedCacheWrite> {
    const entry = this.entryKey(key);
    let expected = '';
    let stored: StoredAnswer | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const next = settle(stored);
      if (!next || next.ttlMs < 1) return this.wrote('kept');
      const text = this.codec.encode(next.answer);
      const reply = await this.redis.run('cache_store', (r) => STORE.run(r, [entry], [expected, text, Math.ceil(next.ttlMs)]));
      if (!Array.isArray(reply)) return this.wrote('unavailable');
      const [written, current] = reply as [number, string];
      if (written === 1) return this.wrote('written');
      expected = current;
      stored = current === '' ? undefined : this.codec.decode(current);
    }
    return this.wrote('conflict');
  }

  private wrote(result: SharedCacheWrite): SharedCacheWrite {
    this.metrics?.sharedCacheWrite(result);
    return result;
  }
}
