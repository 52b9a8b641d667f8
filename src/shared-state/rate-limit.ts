import type { RemoteBuckets, Verdict } from '../security/rate-limit.js';
import type { RedisConnection } from './connection.js';
import { LuaScript } from './script.js';

/**
 * One token bucket per client in a Redis hash: `perMinute` tokens, refilled continuously, the
 * same rule as the local RateLimiter. Read, refill, take and write happen in one script, so
 * concurrent checks from any number of replicas never spend a token twice. Time is Redis' own
 * clock (TIME), so replicas with skewed clocks agree. Returns {1, 0} or {0, retryAfterSeconds}.
 */
const TAKE = new LuaScript(`
local capacity = tonumber(ARGV[1])
local perMs = capacity / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if saved[1] then
  tokens = math.min(capacity, tonumber(saved[1]) + math.max(0, now - tonumber(saved[2])) * perMs)
end
local allowed = tokens >= 1
if allowed then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- An idle bucket is full again after a minute: forgetting it then changes nothing.
redis.call('PEXPIRE', KEYS[1], 60000)
if allowed then return {1, 0} end
return {0, math.max(1, math.ceil((1 - tokens) / perMs / 1000))}`);

/** Rate-limit buckets shared by every replica; undefined when Redis cannot answer in time. */
export class RedisBuckets implements RemoteBuckets {
  constructor(private readonly redis: RedisConnection) {}

  async take(client: string, perMinute: number): Promise<Verdict | undefined> {
    const reply = await this.redis.run('ratelimit_take', (r) => TAKE.run(r, [this.redis.key(`ratelimit:${client}`)], [perMinute]));
    if (!Array.isArray(reply)) return undefined;
    const [allowed, retryAfterSeconds] = reply as [number, number];
    return allowed === 1 ? { ok: true } : { ok: false, retryAfterSeconds };
  }
}
