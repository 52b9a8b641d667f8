import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variableDefaults } from '../../../src/config.js';
import { readDoc, section } from '../../helpers/docs.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

/**
 * The README's promises, held as written: its two set-up commands are the package's scripts,
 * and its first query, sent as its curl command sends it, gets exactly the answer it shows
 * (from the sandbox, as the anonymous caller `npm start` lets in).
 */

/** The fenced code blocks of a README section, by language. */
function blocks(heading: string, language: string): string[] {
  return [...section('README.md', heading).matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ANONYMOUS_SCOPES: 'status:read' } });
});
afterAll(() => h.close());

describe('README.md', () => {
  it('sets up with two commands: one starts the compiled server, one runs the whole suite', () => {
    const [setup] = blocks('## Set-up: two commands', 'sh');
    const commands = setup!.split('\n').filter(Boolean).map((line) => line.split('#')[0]!.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const { scripts } = JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe('npm run build && node dist/bin.js');
    expect(scripts.test).toBe('vitest run');
  });

  it('sends its first query where npm start listens, and gets the answer it shows', async () => {
    const [curl] = blocks('## A first query', 'sh');
    const [shown] = blocks('## A first query', 'json');
    expect(curl).toContain(`http://localhost:${String(variableDefaults(providers).PORT)}/graphql`);
    expect(curl).toContain("-H 'content-type: application/json'");
    const body = /-d '([\s\S]*)'\s*$/.exec(curl!)?.[1];
    expect(body, 'the curl command sends a body').toBeDefined();

    const res = await h.post(body!, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(shown!));
  });
});
