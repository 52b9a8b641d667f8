import { FIELDS, FIXED_FIELDS } from './entry-format.js';
import { LuaScript } from './script.js';

/** One field to write: only if its stored text still has the fingerprint `expected` ('' for none); `text` '' deletes it. */
export interface FieldWrite {
  field: string;
  expected: string;
  text: string;
}

/** What one run of the write script is asked to do (see entry-format.ts for the fields). */
export interface EntryWrite {
  /** '1' a record, '0' not found. */
  kind: '1' | '0';
  /**
   * These parts and head are the whole record: the entry may be created, or, when it holds the
   * other kind, replaced, provided its `n` is still `writes`. Otherwise the entry must exist
   * and be of this kind (a change to it).
   */
  whole: boolean;
  writes: string;
  checkedAt: number;
  fetchedAt: number;
  /** PEXPIRE, ms: the entry lives at least this long from now. */
  ttlMs: number;
  /** The head and when it was observed; '' when unchanged (not sent). */
  head: string;
  stamp: number;
  /** The most parts the entry may hold: a new part beyond it is not stored. */
  maxParts: number;
  fields: readonly FieldWrite[];
}

/** What the script answered: applied (with the fields whose stored text was not the one expected, and that text), or why not. */
export type EntryWriteReply =
  | { status: 'ok'; dropped: number; conflicts: [field: string, stored: string][] }
  | { status: 'absent' }
  /** Of the other kind, or not the `writes` a replace expected: the whole entry as stored, to merge with. */
  | { status: 'kind'; entry: string[] };

// One atomic script: per field, compare-and-set by fingerprint (a field another replica changed
// since is answered back, for the caller to merge with and send again; the others are written
// at once); checkedAt and fetchedAt keep the newest; the head the newest observed; the lifetime
// only grows. The merge itself stays in TypeScript (the status merge, D7's per message): one
// rule, not two.
const SCRIPT = new LuaScript(`
local key = KEYS[1]
-- A new entry's write count starts at the clock (s and µs), not 0: a replace that read an
-- earlier entry of this key (since expired or replaced) never matches this one's count.
local function clock()
  local now = redis.call('TIME')
  return now[1] .. string.format('%06d', tonumber(now[2]))
end
-- A key of another type there (not this code's) is replaced, not an error on every write.
local held = redis.call('TYPE', key)['ok']
if held ~= 'hash' and held ~= 'none' then redis.call('DEL', key) end
local kind = redis.call('HGET', key, '${FIELDS.kind}')
local writes = redis.call('HGET', key, '${FIELDS.writes}')
if kind ~= ARGV[1] then
  if ARGV[2] ~= '1' then
    if not kind then return {'absent'} end
    return {'kind', redis.call('HGETALL', key)}
  end
  if kind then
    if (writes or '') ~= ARGV[3] then return {'kind', redis.call('HGETALL', key)} end
    redis.call('DEL', key)
  end
  redis.call('HSET', key, '${FIELDS.kind}', ARGV[1], '${FIELDS.writes}', clock())
elseif writes and string.match(writes, '^%d+$') and #writes < 18 then
  redis.call('HINCRBY', key, '${FIELDS.writes}', 1)
else
  redis.call('HSET', key, '${FIELDS.writes}', clock())
end
-- A number field as stored; -1 for none or anything but a number.
local function stored(field)
  return tonumber(redis.call('HGET', key, field) or '') or -1
end
local function raise(field, value)
  if tonumber(value) > stored(field) then redis.call('HSET', key, field, value) end
end
raise('${FIELDS.checkedAt}', ARGV[4])
local conflicts = {}
local dropped = 0
if ARGV[1] == '1' then
  raise('${FIELDS.fetchedAt}', ARGV[5])
  if ARGV[8] ~= '' and tonumber(ARGV[7]) >= stored('${FIELDS.stamp}') then
    redis.call('HSET', key, '${FIELDS.head}', ARGV[8], '${FIELDS.stamp}', ARGV[7])
  end
  local parts = redis.call('HLEN', key) - ${FIXED_FIELDS}
  local most = tonumber(ARGV[9])
  for i = 10, #ARGV, 3 do
    local field, expected, text = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    local current = redis.call('HGET', key, field)
    if (current and redis.sha1hex(current) or '') ~= expected then
      conflicts[#conflicts + 1] = field
      conflicts[#conflicts + 1] = current or ''
    elseif text == '' then
      if current then
        redis.call('HDEL', key, field)
        parts = parts - 1
      end
    elseif current or parts < most then
      if not current then parts = parts + 1 end
      redis.call('HSET', key, field, text)
    else
      dropped = dropped + 1
    end
  end
end
if redis.call('PTTL', key) < tonumber(ARGV[6]) then redis.call('PEXPIRE', key, ARGV[6]) end
return {'ok', dropped, conflicts}`);

/** Runs one write on `entryKey`; undefined when the reply is not one this script gives (never, but Redis is input). */
export async function runEntryWrite(run: (script: LuaScript, keys: string[], args: (string | number)[]) => Promise<unknown>, entryKey: string, write: EntryWrite): Promise<EntryWriteReply | undefined> {
  const args: (string | number)[] = [write.kind, write.whole ? '1' : '0', write.writes, write.checkedAt, write.fetchedAt, Math.max(1, Math.ceil(write.ttlMs)), write.stamp, write.head, write.maxParts];
  for (const { field, expected, text } of write.fields) args.push(field, expected, text);
  const reply = await run(SCRIPT, [entryKey], args);
  return readReply(reply);
}

function readReply(reply: unknown): EntryWriteReply | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [status] = reply as unknown[];
  if (status === 'absent') return { status };
  if (status === 'kind' && Array.isArray(reply[1])) return { status, entry: (reply[1] as unknown[]).map(String) };
  if (status !== 'ok' || !Array.isArray(reply[2])) return undefined;
  const flat = (reply[2] as unknown[]).map(String);
  const conflicts: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) conflicts.push([flat[i]!, flat[i + 1]!]);
  return { status, dropped: Number(reply[1]) || 0, conflicts };
}
