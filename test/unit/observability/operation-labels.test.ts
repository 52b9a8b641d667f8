import { describe, expect, it } from 'vitest';
import { errorCodeLabel, MAX_SEEN_OPERATIONS, operationLabels } from '../../../src/observability/labels.js';
import { knownOperationNames } from '../../../src/persisted/operation-names.js';

describe('operation labels come from a bounded set', () => {
  it('known names are labels at once, for executed and refused requests alike', () => {
    const labels = operationLabels(['MessageStatuses']);
    expect(labels.refused('MessageStatuses')).toBe('MessageStatuses');
    expect(labels.executed('MessageStatuses')).toBe('MessageStatuses');
  });

  it('a refused request never mints a label: an unknown name is "other", even after many', () => {
    const labels = operationLabels([]);
    for (let i = 0; i < 1_000; i++) expect(labels.refused(`Invented${i}`)).toBe('other');
    // The slots are all still free for executed operations.
    expect(labels.executed('Real')).toBe('Real');
    expect(labels.refused('Real')).toBe('Real');
  });

  it(`executed names take one of ${MAX_SEEN_OPERATIONS} slots; past the cap they are "other", and earlier ones keep theirs`, () => {
    const labels = operationLabels(['Known'], 3);
    expect(['A', 'B', 'C', 'D', 'E'].map((n) => labels.executed(n))).toEqual(['A', 'B', 'C', 'other', 'other']);
    expect(labels.executed('A')).toBe('A');
    expect(labels.executed('Known')).toBe('Known');
  });

  it('no name is "anonymous"; a value that is not a GraphQL name is "other"', () => {
    const labels = operationLabels([]);
    expect(labels.executed(undefined)).toBe('anonymous');
    expect(labels.refused(null)).toBe('anonymous');
    expect(labels.refused('')).toBe('anonymous');
    for (const bad of [42, { a: 1 }, 'has space', 'x'.repeat(101), '1abc', 'é']) expect(labels.executed(bad)).toBe('other');
  });

  it('the project operations are known names', () => {
    expect(knownOperationNames({ mode: 'off', manifestPath: undefined }).sort()).toEqual(['BetatelWdr', 'D7Report', 'MessageStatus', 'MessageStatusChanged', 'MessageStatuses', 'Node']);
  });
});

describe('error code labels', () => {
  it('known codes are their own label, anything else is "other"', () => {
    expect(errorCodeLabel('UNAUTHENTICATED')).toBe('UNAUTHENTICATED');
    expect(errorCodeLabel('QUERY_LIMIT_EXCEEDED')).toBe('QUERY_LIMIT_EXCEEDED');
    expect(errorCodeLabel('MADE_UP_BY_A_CLIENT')).toBe('other');
  });
});
