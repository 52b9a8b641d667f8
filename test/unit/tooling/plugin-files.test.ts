import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../../src/', import.meta.url);

function sourceFiles(dir = SRC.pathname): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('plugin files (docs/architecture.md, "Layout")', () => {
  it('are named after the one plugin function they export: use-plain-answers.ts exports usePlainAnswers', () => {
    const misnamed: string[] = [];
    let plugins = 0;
    for (const file of sourceFiles()) {
      const names = [...readFileSync(file, 'utf8').matchAll(/^export (?:async )?function (use[A-Z]\w*)/gm)].map((m) => m[1]!);
      plugins += names.length;
      const base = path.basename(file, '.ts');
      if (names.length > 1 || (names.length === 1 && kebab(names[0]!) !== base) || (names.length === 0 && base.startsWith('use-'))) {
        misnamed.push(`${path.relative(SRC.pathname, file)}: ${names.join(', ') || 'no use* export'}`);
      }
    }
    expect(plugins).toBeGreaterThan(10);
    expect(misnamed).toEqual([]);
  });
});
