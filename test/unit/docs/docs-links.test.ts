import { existsSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { docFiles, readDoc, ROOT, withoutCodeBlocks } from '../../helpers/docs.js';

/**
 * Every relative link of the documentation leads somewhere: its file exists inside the
 * repository, and its `#anchor` names a heading of that file as GitHub renders it (GitHub's
 * slugs, a repeated heading getting `-1`, `-2`…). A page moved, renamed or re-headed without
 * its links fails here.
 */

/** Text outside code (fences and inline spans), where a `[x](y)` is a link. */
const prose = (text: string) => withoutCodeBlocks(text).replace(/`[^`\n]*`/g, '');

/** The relative links of a page: `[text](target)` with no scheme. */
function links(page: string): string[] {
  return [...prose(readDoc(page)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The anchors GitHub gives a markdown file's headings. */
function anchors(path: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = withoutCodeBlocks(readDoc(path))
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    // The rendered text: link targets, emphasis markers and closing hashes are not part of it.
    .map((line) => line.replace(/^#+ /, '').replace(/\s+#+\s*$/, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*/g, ''));
  return new Set(headings.map((text) => slugger.slug(text)));
}

const pages = docFiles();
const all = pages.flatMap((page) => links(page).map((target) => ({ page, target })));

describe('the documentation links', () => {
  it('are many: each page links somewhere, and many links name a heading', () => {
    for (const page of pages) expect(links(page).length, page).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter(({ target }) => target.includes('#')).length).toBeGreaterThan(15);
  });

  it.each(pages)('%s: every relative link names a file inside the repository that exists', (page) => {
    const broken = links(page)
      .map((target) => target.split('#')[0]!)
      .filter((path) => path !== '')
      .filter((path) => {
        const url = new URL(path, new URL(page, ROOT));
        return !url.href.startsWith(ROOT.href) || !existsSync(url);
      });
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s: every #anchor names a heading of its page', (page) => {
    const broken = links(page)
      .filter((target) => target.includes('#'))
      .filter((target) => {
        const [path, anchor] = target.split('#') as [string, string];
        const file = path === '' ? new URL(page, ROOT) : new URL(path, new URL(page, ROOT));
        const relative = file.href.slice(ROOT.href.length);
        return !relative.endsWith('.md') || !existsSync(file) || !anchors(relative).has(anchor);
      });
    expect(broken).toEqual([]);
  });

  it('README.md leads to every page, and every page leads back to it', () => {
    const fromReadme = new Set(links('README.md').map((target) => target.split('#')[0]));
    for (const page of pages.filter((one) => one !== 'README.md')) {
      expect(fromReadme, page).toContain(page);
      expect(links(page), page).toContain('../README.md');
    }
  });
});
