import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configVariables } from '../../../src/config.js';
import { ERROR_CODES } from '../../../src/observability/labels.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { readDoc, section } from '../../helpers/docs.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

const envExample = readDoc('.env.example');

/** First-column backticked names of a markdown table. */
const tableKeys = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('the operations, API and configuration pages match the server', () => {
  it('lists every metric the server exposes, and no other', async () => {
    await h.query(`query One { d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
    // The breaker and bulkhead gauges and the lookup layer's counters exist from start-up.
    const text = await (await h.get('/metrics')).text();
    const exposed = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!).filter((n) => !/^(process|nodejs)_/.test(n));
    expect(tableKeys(section('docs/operations.md', '## Metrics')).sort()).toEqual(exposed.sort());
  });

  it('lists endpoints that all answer', async () => {
    const paths = tableKeys(section('docs/operations.md', '## Endpoints'));
    expect(paths.sort()).toEqual(['/graphql', '/health', '/metrics', '/ready']);
    for (const path of paths) expect((await h.get(path, { accept: 'text/html' })).status, path).not.toBe(404);
  });

  it('the errors table names every code the metrics know, and every code it names is known', () => {
    const table = section('docs/api.md', '## Errors');
    const named = new Set([...table.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!));
    for (const code of ERROR_CODES) if (code !== 'UNKNOWN') expect(named, code).toContain(code);
    // Configuration names and the http header are the only other capitalised words in backticks.
    for (const code of named) if (!/^(MAX_|PERSISTED_DOCUMENTS|JWT_)/.test(code)) expect(ERROR_CODES, code).toContain(code);
  });

  it('documents every configuration variable in the configuration table and .env.example', () => {
    const table = readDoc('docs/configuration.md');
    for (const name of configVariables(providers)) {
      expect(table, name).toContain(`\`${name}\``);
      expect(envExample, name).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('the configuration table names no variable the configuration does not read', () => {
    const firstCells = readDoc('docs/configuration.md')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split(' | ')[0]!);
    const named = firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((name) => !configVariables(providers).includes(name))).toEqual([]);
  });
});
