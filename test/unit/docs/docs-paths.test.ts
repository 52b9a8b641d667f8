import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { docFiles, readDoc, ROOT } from '../../helpers/docs.js';

/**
 * The README stands alone: it names nothing outside the repository (no `../` path, no web
 * address but the local server's). Every repository path the documentation names in
 * backticks (a path with a folder in it, written from the repository root) exists, so a move
 * or rename that forgets the docs fails here. Links are checked in docs-links.test.ts.
 */
const OUTPUTS = readDoc('.gitignore')
  .split('\n')
  .filter((line) => line.endsWith('/'));

it('README.md refers to nothing outside the repository', () => {
  const readme = readDoc('README.md');
  expect(readme.match(/\.\.\/[\w.-]+/g) ?? []).toEqual([]);
  expect((readme.match(/\b[a-z]+:\/\/[^\s)`'"]+/g) ?? []).filter((url) => !url.startsWith('http://localhost:'))).toEqual([]);
});

it.each(docFiles())('%s names only repository paths that exist', (page) => {
  const backticked = [...readDoc(page).matchAll(/`((?:\.?[\w-]+\/)+[\w.*-]*)`/g)].map((m) => m[1]!);
  const paths = [...new Set(backticked)]
    // Globs stand for their folder; `<endpoint>/v1/traces`-style URLs are not paths.
    .map((path) => path.replace(/\/?[^/]*\*.*$/, ''))
    .filter((path) => path.length > 0)
    // Media types, and what tools write into ignored folders (reports/, dist/).
    .filter((path) => !/^(text|application|multipart)\//.test(path) && !OUTPUTS.some((folder) => path.startsWith(folder)));
  expect(paths.filter((path) => !existsSync(new URL(path, ROOT)))).toEqual([]);
});

it('the documentation names many repository paths (the check above has something to check)', () => {
  const named = docFiles().flatMap((page) => [...readDoc(page).matchAll(/`((?:\.?[\w-]+\/)+[\w.*-]*)`/g)]);
  expect(named.length).toBeGreaterThan(60);
});
