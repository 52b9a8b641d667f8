import { describe, expect, it } from 'vitest';
import { findApiKey, indexApiKeys, parseApiKeys } from '../../../src/security/api-keys.js';

describe('API keys', () => {
  const key1 = 'k1-aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const key2 = 'k2-bbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  it('parses name:key:scopes entries and keeps only digests', () => {
    const parsed = parseApiKeys(`router:${key1}:status:read pii:read, dash:${key2}:status:read`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.secrets).toEqual([key1, key2]);
    expect(parsed.keys.map((k) => [k.name, [...k.scopes]])).toEqual([
      ['router', ['status:read', 'pii:read']],
      ['dash', ['status:read']],
    ]);
    expect(JSON.stringify(parsed.keys)).not.toContain(key1);
  });

  it('finds a key by value, and nothing for a near miss', () => {
    const keys = indexApiKeys(parseApiKeys(`router:${key1}:status:read,dash:${key2}:status:read`).keys);
    expect(findApiKey(keys, key2)?.name).toBe('dash');
    expect(findApiKey(keys, key1)?.name).toBe('router');
    expect(findApiKey(keys, `${key1}x`)).toBeUndefined();
    expect(findApiKey(keys, key1.slice(0, -1))).toBeUndefined();
    expect(findApiKey(keys, '')).toBeUndefined();
  });

  it('reports every problem without quoting a key', () => {
    const short = 'too-short';
    const { problems } = parseApiKeys(`nokey, bad name:${key1}:status:read, x:${short}:status:read, y:${key2}:admin, y:${key2}:`);
    expect(problems.join('\n')).toMatch(/entry 1: expected name:key:scopes/);
    expect(problems.join('\n')).toMatch(/entry 2: the name/);
    expect(problems.join('\n')).toMatch(/entry 3 \(x\): the key must be/);
    expect(problems.join('\n')).toMatch(/entry 4 \(y\): unknown scope\(s\) admin/);
    expect(problems.join('\n')).toMatch(/entry 5 \(y\): at least one scope/);
    expect(problems.join('\n')).toMatch(/duplicate name y/);
    expect(problems.join('\n')).not.toContain(short);
    expect(problems.join('\n')).not.toContain(key2);
  });
});
