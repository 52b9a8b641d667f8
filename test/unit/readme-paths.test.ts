import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/**
 * The README stands alone: it names no file outside the repository, and every repository
 * path it names (a relative link, or a backticked path with a folder in it) exists, so a
 * move or rename that forgets the README fails here.
 */
const ROOT = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
const OUTPUTS = readFileSync(new URL('.gitignore', ROOT), 'utf8')
  .split('\n')
  .filter((line) => line.endsWith('/'));

it('reaches no file outside the repository', () => {
  expect(readme.match(/\.\.\/[\w.-]+/g) ?? []).toEqual([]);
});

it('names only paths that exist in the repository', () => {
  const links = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
  const backticked = [...readme.matchAll(/`((?:\.?[\w-]+\/)+[\w.*-]*)`/g)].map((m) => m[1]!);
  const paths = [...new Set([...links, ...backticked])]
    // Globs stand for their folder; `<endpoint>/v1/traces`-style URLs are not paths.
    .map((path) => path.replace(/\/?[^/]*\*.*$/, ''))
    .filter((path) => path.length > 0)
    // Media types, and what tools write into ignored folders (reports/, test-artifacts/, dist/).
    .filter((path) => !/^(text|application|multipart)\//.test(path) && !OUTPUTS.some((folder) => path.startsWith(folder)));
  expect(paths.length).toBeGreaterThan(20);
  expect(paths.filter((path) => !existsSync(new URL(path, ROOT)))).toEqual([]);
});
