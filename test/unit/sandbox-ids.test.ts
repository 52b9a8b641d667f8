import { describe, expect, it } from 'vitest';
import { providers } from '../../src/providers/registry.js';
import { logRequest, REQUEST_LOG_MAX } from '../../src/sandbox/simulator-kit.js';
import { section } from '../helpers/docs.js';

const documented = section('docs/getting-started.md', '## Sandbox ids');

describe.each(providers.map((p) => [p.key, p] as const))('%s sandbox ids', (_key, provider) => {
  it('are valid ids of the provider, distinct, and each documented in the Sandbox ids table', () => {
    const ids = provider.sandbox.ids.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id, behaviour } of provider.sandbox.ids) {
      expect(provider.parseId(id), id).toBeDefined();
      expect(behaviour.length).toBeGreaterThan(5);
      expect(documented, `docs/getting-started.md "Sandbox ids" lacks ${id}`).toContain(`\`${id}\``);
    }
  });
});

describe('the simulators stay bounded in a long-running sandbox', () => {
  it('keep at most REQUEST_LOG_MAX ids in their request log, the newest', () => {
    const log: string[] = [];
    for (let i = 0; i < REQUEST_LOG_MAX + 5; i += 1) logRequest(log, `id-${i}`);
    expect(log).toHaveLength(REQUEST_LOG_MAX);
    expect(log[0]).toBe('id-5');
    expect(log.at(-1)).toBe(`id-${REQUEST_LOG_MAX + 4}`);
  });
});
