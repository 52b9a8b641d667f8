import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 24's count: adding a provider is one folder and one line. The test-only provider Acme is
// the proof; if adding it needed any other file, that file would name it.
const FOLDER = 'test/providers/acme/';
const root = new URL('../../../', import.meta.url);
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '' && !f.startsWith('node_modules/'));
const read = (file: string) => {
  try {
    return readFileSync(new URL(file, root), 'utf8');
  } catch {
    return ''; // listed but deleted in the working tree
  }
};
// Its names: the key and folder (ACME, acme/), its type and field (AcmeMessage, acmeMessage, acmeId), its case (acmeCase).
const NAMES = /\bacme\b|\bacme(Message|Id|Case)\b/i;
const naming = (file: string) => read(file).split('\n').filter((line) => NAMES.test(line));

describe('the test-only provider', () => {
  it('is named outside its folder only where the conformance suite imports and registers it', () => {
    // Documentation may point readers at it; code and configuration may not need it.
    const outside = files.filter((f) => !f.startsWith(FOLDER) && !f.startsWith('docs/') && f !== 'test/unit/providers/third-provider-footprint.test.ts' && naming(f).length > 0);
    expect(outside).toEqual(['test/integration/providers/provider-conformance.test.ts']);
    expect(naming('test/integration/providers/provider-conformance.test.ts').map((l) => l.trim())).toEqual([
      "import { acmeCase } from '../../providers/acme/conformance.js';",
      "// The third case exists only under test/providers/acme/: it is registered by its line below, nothing else.",
      'acmeCase,',
    ]);
  });

  it('reaches outside its folder only for src/ and the shared conformance case type', () => {
    const imports = files
      .filter((f) => f.startsWith(FOLDER))
      .flatMap((f) => [...read(f).matchAll(/from '(\.\.\/[^']+)'/g)].map((m) => m[1]!));
    expect(imports.length).toBeGreaterThan(0);
    for (const path of imports) expect(path).toMatch(/^\.\.\/\.\.\/\.\.\/src\/|^\.\.\/conformance-case\.js$/);
  });
});
