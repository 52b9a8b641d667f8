import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { providers } from '../../src/providers/registry.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe.each(providers.map((p) => [p.key, p] as const))('%s sandbox ids', (_key, provider) => {
  it('are valid ids of the provider, distinct, and each documented in the README', () => {
    const ids = provider.sandbox.ids.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id, behaviour } of provider.sandbox.ids) {
      expect(provider.parseId(id), id).toBeDefined();
      expect(behaviour.length).toBeGreaterThan(5);
      expect(readme, `README sandbox table lacks ${id}`).toContain(`\`${id}\``);
    }
  });
});
