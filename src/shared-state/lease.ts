import type { RedisConnection } from './connection.js';
import { LuaScript } from './script.js';

/** Won: this caller holds it with `token`. Held: someone else does. Unavailable: Redis did not answer. */
export type LeaseAttempt = { outcome: 'won'; token: string } | { outcome: 'held' } | { outcome: 'unavailable' };

// Only the holder (the token) may extend or end a lease: a holder that paused past its lifetime
// must not extend or delete the lease another replica took over meanwhile.
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * Leases in Redis, one per key under `<prefix><namespace>:<key>`: at most one holder at a time
 * across replicas. A holder that stops renewing (it died, or lost Redis) loses the lease when its
 * lifetime ends, and the next `acquire` takes it over.
 */
export class Leases {
  constructor(
    private readonly redis: RedisConnection,
    private readonly namespace = 'lease',
  ) {}

  /** The Redis name of the lease on `key`. */
  leaseKey(key: string): string {
    return this.redis.key(`${this.namespace}:${key}`);
  }

  /** A new holder's token: it names the holder, so renew and release can tell its own lease from a successor's. */
  newToken(): string {
    return `${this.redis.replicaId}:${crypto.randomUUID()}`;
  }

  async acquire(key: string, ttlMs: number): Promise<LeaseAttempt> {
    const token = this.newToken();
    const reply = await this.redis.run(`${this.namespace}_acquire`, (r) => r.set(this.leaseKey(key), token, 'PX', ttlMs, 'NX'));
    if (reply === undefined) return { outcome: 'unavailable' };
    return reply === 'OK' ? { outcome: 'won', token } : { outcome: 'held' };
  }

  /** Extends the lease to `ttlMs` from now. Lost: it expired, or another holder has it now. */
  async renew(key: string, token: string, ttlMs: number): Promise<'renewed' | 'lost' | 'unavailable'> {
    const reply = await this.redis.run(`${this.namespace}_renew`, (r) => RENEW.run(r, [this.leaseKey(key)], [token, ttlMs]));
    if (reply === undefined) return 'unavailable';
    return reply === 1 ? 'renewed' : 'lost';
  }

  /** Ends the lease if `token` still holds it; false when it had already passed on or expired. */
  async release(key: string, token: string): Promise<boolean | undefined> {
    const reply = await this.redis.run(`${this.namespace}_release`, (r) => RELEASE.run(r, [this.leaseKey(key)], [token]));
    return reply === undefined ? undefined : reply === 1;
  }
}
