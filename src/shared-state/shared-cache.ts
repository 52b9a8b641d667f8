import type { RedisConnection } from './connection.js';
import type { RedisMetrics } from './metrics.js';
import type { AnswerCodec, StoredAnswer } from './stored-answer.js';

/**
 * The second cache tier, shared by every replica: provider answers as versioned JSON under
 * `<prefix>cache:<key>`, expiring by Redis TTL. The caller picks the key and the lifetime
 * (the same rules as the process cache); this tier only stores and checks.
 */
export class SharedCache {
  constructor(
    private readonly redis: RedisConnection,
    private readonly codec: AnswerCodec,
    private readonly metrics?: Pick<RedisMetrics, 'sharedCacheRead'>,
  ) {}

  /** The Redis name of the entry for `key` (single flight waits for it to appear). */
  entryKey(key: string): string {
    return this.redis.key(`cache:${key}`);
  }

  /** The stored answer, or undefined: absent, corrupt, of another version, or Redis unavailable. */
  async read(key: string): Promise<StoredAnswer | undefined> {
    const text = await this.redis.run('cache_get', (r) => r.get(this.entryKey(key)));
    if (text === undefined) {
      this.metrics?.sharedCacheRead('unavailable');
      return undefined;
    }
    const answer = typeof text === 'string' ? this.codec.decode(text) : undefined;
    this.metrics?.sharedCacheRead(answer ? 'hit' : text === null ? 'miss' : 'invalid');
    return answer;
  }

  /**
   * Stores `answer` for `ttlMs` without waiting: the caller already has the answer, and a lost
   * write only costs another replica an upstream call. A later write replaces an earlier one.
   */
  write(key: string, answer: StoredAnswer, ttlMs: number): void {
    if (ttlMs <= 0) return;
    const text = this.codec.encode(answer);
    void this.redis.run('cache_set', (r) => r.set(this.entryKey(key), text, 'PX', ttlMs));
  }
}
