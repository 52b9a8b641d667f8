import { describe, expect, it } from 'vitest';
import { KeyCounts } from '../../../src/key-counts.js';

describe('KeyCounts: a count per key with no entry at zero', () => {
  it('counts up and down, drops a key at zero, and never goes below zero', () => {
    const counts = new KeyCounts();
    expect([counts.add('a'), counts.add('a'), counts.add('b')]).toEqual([1, 2, 1]);
    expect([...counts.keys()]).toEqual(['a', 'b']);
    expect(counts.remove('a')).toBe(1);
    expect(counts.remove('b')).toBe(0);
    expect(counts.size).toBe(1);
    expect(counts.remove('b')).toBe(0);
    expect([counts.get('a'), counts.get('b'), counts.size]).toEqual([1, 0, 1]);
    expect(counts.remove('a')).toBe(0);
    expect(counts.size).toBe(0);
  });
});
