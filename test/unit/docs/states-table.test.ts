import { expect, it } from 'vitest';
import { DELIVERY_STATES, type DeliveryState } from '../../../src/domain/delivery-state.js';
import { readDoc } from '../../helpers/docs.js';

/**
 * The rows of docs/states.md's states table: one per DeliveryState. Each provider's column is held to its
 * normalizer by the conformance suite (test/integration/providers/provider-conformance.test.ts).
 */
function documentedTable() {
  const lines = readDoc('docs/states.md').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| DeliveryState |'));
  expect(start, 'docs/states.md has the states table').toBeGreaterThan(-1);
  const rows = lines.slice(start + 2, lines.findIndex((l, i) => i > start && !l.startsWith('|')));
  return rows.map((row) => ({ state: row.split('|')[1]!.trim().replaceAll('`', '') as DeliveryState }));
}

const table = documentedTable();

it('has one row per DeliveryState, in the enum order', () => {
  expect(table.map((r) => r.state)).toEqual([...DELIVERY_STATES]);
});
