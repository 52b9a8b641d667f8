import { describe, expect, it } from 'vitest';
import { lookupBudget } from '../../../src/security/lookup-budget.js';

describe('lookupBudget', () => {
  it('counts distinct (provider, id) pairs; repeats are free; the one over budget throws LOOKUP_BUDGET_EXCEEDED', () => {
    const check = lookupBudget(2);
    check('D7', 'a');
    check('D7', 'a');
    check('BETATEL', 'a');
    check('D7', 'a');
    expect(() => check('D7', 'b')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'LOOKUP_BUDGET_EXCEEDED', limit: 2 }) }));
  });
});
