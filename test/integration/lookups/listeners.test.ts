import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
beforeAll(async () => {
  h = await startHarness();
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await h.close();
});

it('a batch of 50 lookups prints no MaxListenersExceededWarning (each lookup listens on the request deadline)', async () => {
  const refs = Array.from({ length: 50 }, (_, i) => ({ provider: 'D7', id: `44444444-4444-4444-8444-${String(i).padStart(12, '0')}` }));
  const res = await h.query<{ messageStatuses: { __typename: string }[] }>('query($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename } }', { refs });
  expect(res.data!.messageStatuses.every((r) => r.__typename === 'D7Report')).toBe(true);
  await new Promise((r) => setTimeout(r, 20)); // warnings are emitted on the next tick
  expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
});
