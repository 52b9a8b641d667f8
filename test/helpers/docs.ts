import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The repository root, as a URL ending in `/`. */
export const ROOT = new URL('../../', import.meta.url);

/**
 * The documentation: README.md and every page under docs/, by path from the root. Drafts
 * waiting to be folded into a page (`docs/_pending-*.md`) are not pages yet.
 */
export function docFiles(): string[] {
  const pages = readdirSync(new URL('docs/', ROOT))
    .filter((name) => name.endsWith('.md') && !name.startsWith('_'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages.sort()];
}

export function readDoc(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

/**
 * The text of a page's section, from its heading to the next heading of the same or a higher
 * level (`## Errors` ends at the next `## ` or `# `; its `### ` subsections are inside).
 * Lines in fenced code blocks are never headings.
 */
export function section(page: string, heading: string): string {
  const lines = readDoc(page).split('\n');
  const outside = withoutCodeBlocks(lines.join('\n')).split('\n');
  const start = outside.indexOf(heading);
  expect(start, `${page} has "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!.length;
  const next = outside.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start + 1, next < 0 ? undefined : next).join('\n');
}

/** A page with its fenced code blocks blanked out (their `#` lines are not headings, their brackets not links). */
export function withoutCodeBlocks(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (line.trimStart().startsWith('```')) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}
