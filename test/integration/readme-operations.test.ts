import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configVariables } from '../../src/config.js';
import { ERROR_CODES } from '../../src/observability/labels.js';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

/** The lines of a README section, from its heading to the next heading of the same or higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  expect(start, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!;
  const rest = readme.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}
/** First-column backticked names of a markdown table. */
const tableKeys = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('the README operations section matches the server', () => {
  it('lists every metric the server exposes, and no other', async () => {
    await h.query(`query One { d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
    // The breaker and bulkhead gauges and the lookup layer's counters exist from start-up.
    const text = await (await h.get('/metrics')).text();
    const exposed = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!).filter((n) => !/^(process|nodejs)_/.test(n));
    expect(tableKeys(section('### Metrics')).sort()).toEqual(exposed.sort());
  });

  it('lists endpoints that all answer', async () => {
    const paths = tableKeys(section('### Endpoints'));
    expect(paths.sort()).toEqual(['/graphql', '/health', '/metrics', '/ready']);
    for (const path of paths) expect((await h.get(path, { accept: 'text/html' })).status, path).not.toBe(404);
  });

  it('the errors table names every code the metrics know, and every code it names is known', () => {
    const table = section('### Errors');
    const named = new Set([...table.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!));
    for (const code of ERROR_CODES) if (code !== 'UNKNOWN') expect(named, code).toContain(code);
    // Configuration names and the http header are the only other capitalised words in backticks.
    for (const code of named) if (!/^(MAX_|PERSISTED_DOCUMENTS|JWT_)/.test(code)) expect(ERROR_CODES, code).toContain(code);
  });

  it('documents every configuration variable in the README table and .env.example', () => {
    const table = section('## Configuration');
    for (const name of configVariables()) {
      expect(table, name).toContain(`\`${name}\``);
      expect(envExample, name).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });
});
