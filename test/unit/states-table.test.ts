import { describe, expect, it } from 'vitest';
import { DELIVERY_STATES, type DeliveryState } from '../../src/domain/delivery-state.js';
import { betatelState, STATUS_TABLE as BETATEL_TABLE } from '../../src/providers/betatel/normalize.js';
import { d7State, STATUS_TABLE as D7_TABLE } from '../../src/providers/d7/normalize.js';
import { readDoc } from '../helpers/docs.js';

/** The states table of docs/states.md: DeliveryState → D7 statuses, Betatel statuses, and who says "anything else". */
function documentedTable() {
  const lines = readDoc('docs/states.md').split('\n');
  const start = lines.indexOf('| DeliveryState | D7 `status` | Betatel `status` |');
  expect(start, 'docs/states.md has the states table').toBeGreaterThan(-1);
  const rows = lines.slice(start + 2, lines.findIndex((l, i) => i > start && !l.startsWith('|')));
  const cell = (text: string) => ({ statuses: [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), anythingElse: text.includes('anything else') });
  return rows.map((row) => {
    const [state, d7, betatel] = row.split('|').slice(1, 4).map((c) => c.trim());
    return { state: state!.replaceAll('`', '') as DeliveryState, d7: cell(d7!), betatel: cell(betatel!) };
  });
}

const table = documentedTable();

it('has one row per DeliveryState, in the enum order', () => {
  expect(table.map((r) => r.state)).toEqual([...DELIVERY_STATES]);
});

describe.each([
  ['D7', 'd7', d7State, D7_TABLE],
  ['Betatel', 'betatel', betatelState, BETATEL_TABLE],
] as const)('%s column', (_name, column, normalize, statusTable) => {
  it('maps every status it lists to its row', () => {
    for (const row of table) for (const status of row[column].statuses) expect(normalize(status), status).toBe(row.state);
  });

  it('lists every status the normalizer knows, nothing more', () => {
    const documented = table.flatMap((row) => row[column].statuses.map((status) => [status, row.state] as const));
    expect(new Map(documented)).toEqual(new Map(statusTable));
  });

  it('sends anything else to UNKNOWN, and says so in that row only', () => {
    expect(table.filter((row) => row[column].anythingElse).map((row) => row.state)).toEqual(['UNKNOWN']);
    expect(normalize('queued_somewhere_new')).toBe('UNKNOWN');
  });
});
