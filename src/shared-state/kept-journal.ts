import { z } from 'zod';
import type { RecordMerge } from '../domain/status-merge.js';
import { mergeParts } from '../lookup/kept-answers.js';
import type { KeepResult, KeptEntry, KeptJournal, KeptPart } from '../lookup/kept-part.js';
import type { RedisConnection } from './connection.js';
import { LuaScript } from './script.js';
import type { AnswerCodec } from './stored-answer.js';

// KEYS: the entry's hash (part -> kept part), the due set (entry -> when its GET is due), the
// parts set (entry|part -> when it expires: counts every kept part of the deployment).
// ARGV: part, expected ('' for none), value, max parts, now, expiresAt, dueAt, entry, entry|part.
// The hash outlives its newest part by a minute, so that a claim still sees expired parts (and counts them).
// Compare-and-set per part, as the shared cache does: the merge of two versions stays in TypeScript.
const KEEP = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return {0, current} end
if current == '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return {2, ''} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[9])
local ttl = tonumber(ARGV[6]) - tonumber(ARGV[5]) + 60000
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
local due = redis.call('ZSCORE', KEYS[2], ARGV[8])
if not due or tonumber(due) > tonumber(ARGV[7]) then redis.call('ZADD', KEYS[2], ARGV[7], ARGV[8]) end
return {1, ''}`);

// KEYS: the due set. ARGV: now, limit, leaseUntil. Entries due are leased to the caller.
const CLAIM = new LuaScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, entry in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], entry) end
return due`);

// KEYS: as KEEP. ARGV: dueAt, entry, leaseUntil, then (part, value claimed, entry|part) for each
// part done: deleted only if still the value claimed (a newer event's version stays).
const SETTLE = new LuaScript(`
for i = 4, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[3], ARGV[i + 2])
  end
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  local due = redis.call('ZSCORE', KEYS[2], ARGV[2])
  if not due or tonumber(due) >= tonumber(ARGV[3]) then redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2]) end
end
return 1`);

// Each conflict means another replica kept the same part within one round trip.
const ATTEMPTS = 5;

/**
 * The kept parts of the whole deployment in Redis (KeptJournal): a hash per record
 * (`<prefix>kept:<provider>:<id>`, part -> JSON, expiring with its newest part), a sorted set of
 * records by when their GET is due (`<prefix>kept-due`) and one of every part by when it expires
 * (`<prefix>kept-parts`, which bounds them to `maxParts`). A replica that claims a record leases
 * it; if it dies, the lease ends and another replica claims it.
 */
export class RedisKeptJournal implements KeptJournal {
  private readonly part: z.ZodType<KeptPart, unknown>;
  /** The stored text of each part claimed, for `settle` to delete only that version. */
  private readonly claimedText = new WeakMap<KeptPart, string>();

  constructor(
    private readonly redis: RedisConnection,
    codec: AnswerCodec,
    private readonly maxParts: number,
    private readonly now: () => number = Date.now,
  ) {
    const time = z.number().int().nonnegative();
    this.part = z
      .object({ part: z.string(), observedAt: time, receivedAt: time, expiresAt: time, answer: codec.answer })
      .transform((value, ctx): KeptPart => {
        const { record } = value.answer;
        if (record === null) {
          ctx.addIssue({ code: 'custom', message: 'a kept part holds a record' });
          return z.NEVER;
        }
        return { part: value.part, record, observedAt: value.observedAt, receivedAt: value.receivedAt, expiresAt: value.expiresAt };
      });
  }

  async keep(provider: string, id: string, part: KeptPart, merge: RecordMerge, dueAt: number): Promise<KeepResult> {
    const entry = `${provider}:${id}`;
    const keys = this.keysOf(entry);
    let expected = '';
    let before: KeptPart | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const next = before ? mergeParts(before, part, merge) : part;
      const text = this.encode(next);
      const args = [part.part, expected, text, this.maxParts, this.now(), next.expiresAt, dueAt, entry, `${entry}|${part.part}`];
      const reply = await this.redis.run('kept_keep', (r) => KEEP.run(r, keys, args));
      if (!Array.isArray(reply)) return { outcome: 'unavailable' };
      const [code, current] = reply as [number, string];
      if (code === 1) {
        // The keeper settles it as if it had claimed it: this version, unless another is kept since.
        this.claimedText.set(next, text);
        return { outcome: 'kept', part: next };
      }
      if (code === 2) return { outcome: 'full' };
      expected = current;
      before = this.decode(current);
    }
    return { outcome: 'unavailable' };
  }

  /** The unexpired parts kept for `entry` (`provider:id`); none when Redis does not answer. */
  async read(entry: string): Promise<KeptPart[]> {
    const fields = await this.redis.run('kept_read', (r) => r.hgetall(this.keysOf(entry)[0]!));
    const now = this.now();
    const parts: KeptPart[] = [];
    for (const text of Object.values(fields ?? {})) {
      const part = this.decode(text);
      if (part && part.expiresAt > now) parts.push(part);
    }
    return parts;
  }

  async claim(now: number, limit: number, leaseUntil: number): Promise<KeptEntry[]> {
    const due = await this.redis.run('kept_claim', (r) => CLAIM.run(r, [this.redis.key('kept-due')], [now, limit, leaseUntil]));
    if (!Array.isArray(due) || due.length === 0) return [];
    const entries = due as string[];
    const hashes = await this.redis.run('kept_read', (r) => {
      const pipeline = r.pipeline();
      for (const entry of entries) pipeline.hgetall(this.keysOf(entry)[0]!);
      return pipeline.exec();
    });
    // Unread (Redis went away meanwhile): their lease ends and they are claimed again.
    if (!hashes) return [];
    const claimed: KeptEntry[] = [];
    entries.forEach((entry, i) => {
      const colon = entry.indexOf(':');
      const fields = (hashes[i]?.[1] ?? {}) as Record<string, string>;
      const parts: KeptPart[] = [];
      for (const text of Object.values(fields)) {
        const part = this.decode(text);
        if (!part) continue;
        this.claimedText.set(part, text);
        parts.push(part);
      }
      claimed.push({ provider: entry.slice(0, colon), id: entry.slice(colon + 1), parts });
    });
    return claimed;
  }

  async settle(claimed: KeptEntry, done: readonly KeptPart[], dueAt: number, leaseUntil: number): Promise<void> {
    const entry = `${claimed.provider}:${claimed.id}`;
    const args: (string | number)[] = [dueAt, entry, leaseUntil];
    for (const part of done) {
      const text = this.claimedText.get(part);
      if (text !== undefined) args.push(part.part, text, `${entry}|${part.part}`);
    }
    await this.redis.run('kept_settle', (r) => SETTLE.run(r, this.keysOf(entry), args));
  }

  private keysOf(entry: string): string[] {
    return [this.redis.key(`kept:${entry}`), this.redis.key('kept-due'), this.redis.key('kept-parts')];
  }

  private encode(part: KeptPart): string {
    const { record, ...times } = part;
    return JSON.stringify({ ...times, answer: { checkedAt: part.observedAt, record } });
  }

  /** Undefined for anything but a part this version wrote (corrupt, another version's): replaced by the next keep. */
  private decode(text: string): KeptPart | undefined {
    try {
      const parsed = this.part.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
