import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables, variableDefaults } from '../../../src/config.js';
import { ERROR_CODES } from '../../../src/observability/labels.js';
import { providers } from '../../../src/providers/registry.js';

const root = new URL('../../../', import.meta.url);
const page = readFileSync(new URL('docs/bounds.md', root), 'utf8');

/** The rows of the bounds table, as cells (header and separator dropped). */
const rows = page
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| resource ') && !line.startsWith('|---'))
  .map((line) => line.slice(2, -2).split(' | '));
const variables = new Set(configVariables(providers));
const defaults = variableDefaults(providers);
const capitalised = (text: string) => [...text.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!);

describe('docs/bounds.md: what a caller can consume', () => {
  it('is reachable from the README and the security page', () => {
    expect(readFileSync(new URL('README.md', root), 'utf8')).toContain('](docs/bounds.md)');
    expect(readFileSync(new URL('docs/security.md', root), 'utf8')).toContain('](bounds.md)');
  });

  it('has one row per resource, each with a bound, an answer past it and a test', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const cells of rows) expect(cells, cells[0]).toHaveLength(6);
  });

  it('names only variables the configuration reads and codes the service answers', () => {
    for (const cells of rows) {
      for (const name of capitalised(cells.join(' '))) {
        expect(variables.has(name) || ERROR_CODES.has(name), `${cells[0]}: ${name} is neither a variable nor an error code`).toBe(true);
      }
    }
  });

  it('gives each variable the default the code has', () => {
    const written = [...page.matchAll(/`([A-Z][A-Z0-9_]+)` \((\d+)\)/g)];
    expect(written.length).toBeGreaterThanOrEqual(20);
    for (const [, name, value] of written) expect(defaults[name!], name).toBe(Number(value));
  });

  it('names for every row a test that drives a caller past the bound', () => {
    for (const cells of rows) {
      const files = [...cells[5]!.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(files.length, cells[0]).toBeGreaterThan(0);
      // The row's variables, codes and named fields or outcomes (`too_long`, `unloggedRefusals`), in any case.
      const names = [...cells.slice(1, 5).join(' ').matchAll(/`([A-Za-z][A-Za-z0-9_]{3,})`/g)].map((m) => m[1]!);
      for (const file of files) {
        const path = new URL(file, root);
        expect(existsSync(path), file).toBe(true);
        const text = readFileSync(path, 'utf8');
        // The test names at least one of the row's variables or codes: it is about this bound.
        expect(names.length === 0 || names.some((name) => text.toLowerCase().includes(name.toLowerCase())), `${file} names none of ${names.join(', ')}`).toBe(true);
      }
    }
  });
});
