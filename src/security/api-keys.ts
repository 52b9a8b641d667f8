import { hash, timingSafeEqual } from 'node:crypto';
import { isScope, type Scope } from './scopes.js';

/** One configured API key; only its SHA-256 digest is kept after parsing. */
export interface ApiKey {
  name: string;
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
}

export interface ParsedApiKeys {
  keys: ApiKey[];
  /** The raw key values, so the logger can scrub them. */
  secrets: string[];
  problems: string[];
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY = /^[\x21-\x7e]{24,512}$/;

// One-shot: no Hash object per call (createHash().update().digest() showed in a cached answer's profile).
const sha256 = (value: string) => hash('sha256', value, 'buffer');

/**
 * `API_KEYS`: comma-separated entries `name:key:scope scope…`. Keys are at least 24 printable
 * ASCII characters without `:` or `,`; scopes are separated by spaces. Problems never quote a key.
 */
export function parseApiKeys(raw: string | undefined): ParsedApiKeys {
  const result: ParsedApiKeys = { keys: [], secrets: [], problems: [] };
  if (raw === undefined || raw.trim() === '') return result;
  raw.split(',').forEach((entry, index) => {
    const first = entry.indexOf(':');
    const second = entry.indexOf(':', first + 1);
    const where = `API_KEYS entry ${index + 1}`;
    if (first < 0 || second < 0) {
      result.problems.push(`${where}: expected name:key:scopes`);
      return;
    }
    const name = entry.slice(0, first).trim();
    const key = entry.slice(first + 1, second).trim();
    const scopes = entry.slice(second + 1).trim().split(/\s+/).filter(Boolean);
    if (!NAME.test(name)) result.problems.push(`${where}: the name must be 1-64 characters of A-Z a-z 0-9 . _ -`);
    if (!KEY.test(key)) result.problems.push(`${where} (${name}): the key must be 24-512 printable ASCII characters without spaces, ':' or ','`);
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length > 0) result.problems.push(`${where} (${name}): unknown scope(s) ${unknown.join(', ')}`);
    if (scopes.length === 0) result.problems.push(`${where} (${name}): at least one scope is required`);
    if (result.keys.some((k) => k.name === name)) result.problems.push(`${where}: duplicate name ${name}`);
    if (key.length > 0) result.secrets.push(key);
    result.keys.push({ name, digest: sha256(key), scopes: new Set(scopes.filter(isScope)) });
  });
  return result;
}

/** Configured keys by the hex of their digest: one look-up per request, whatever the number of keys. */
export type ApiKeyIndex = ReadonlyMap<string, ApiKey>;

export function indexApiKeys(keys: readonly ApiKey[]): ApiKeyIndex {
  return new Map(keys.map((key) => [key.digest.toString('hex'), key]));
}

/**
 * The key whose value equals `presented`, or undefined. The look-up is by the SHA-256 of the
 * presented value, so its timing depends on that digest, which says nothing about how close a
 * guess was to a key; the one candidate is then compared in constant time. (Comparing against
 * every configured key, as before, cost 100 comparisons per request with 100 keys.)
 */
export function findApiKey(index: ApiKeyIndex, presented: string): ApiKey | undefined {
  const digest = sha256(presented);
  const candidate = index.get(digest.toString('hex'));
  return candidate && timingSafeEqual(candidate.digest, digest) ? candidate : undefined;
}
