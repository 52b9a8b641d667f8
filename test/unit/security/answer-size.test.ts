import fc from 'fast-check';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AnswerMeter } from '../../../src/security/answer-meter.js';
import { jsonBytesUpTo } from '../../../src/security/answer-size.js';
import { countResultItems } from '../../../src/security/result-count.js';

const json = fc.jsonValue({ maxDepth: 4 });
const withDates = fc.oneof(json, fc.record({ at: fc.date({ noInvalidDate: true }), text: fc.string({ unit: 'binary' }) }));

describe('jsonBytesUpTo: the UTF-8 bytes JSON.stringify would write, without building the string', () => {
  it('is exact under the limit (escapes, non-ASCII, toJSON included)', () => {
    fc.assert(
      fc.property(withDates, (value) => {
        expect(jsonBytesUpTo(value, Number.MAX_SAFE_INTEGER)).toBe(Buffer.byteLength(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('passes the limit exactly when the serialized value does', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 200 }), (value, limit) => {
        expect(jsonBytesUpTo(value, limit) > limit).toBe(Buffer.byteLength(JSON.stringify(value)) > limit);
      }),
      { numRuns: 300 },
    );
  });

  it('stops early: a 50 MB string is not copied to be refused', () => {
    expect(jsonBytesUpTo({ a: ['x', '"'.repeat(50_000_000)] }, 4096)).toBeGreaterThan(4096);
  });
});

describe('AnswerMeter.weigh: never less than what the record serializes to', () => {
  it('holds for any object, escapes and non-ASCII included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), withDates), (record) => {
        const meter = new AnswerMeter();
        meter.weigh(record);
        expect(meter.valueBytes).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(record)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('countResultItems: what a document will answer, before anything runs', () => {
  const caps = { maxBatchSize: 100, maxEntityRepresentations: 1000 };
  const count = (query: string, variables?: Record<string, unknown>, name?: string) => countResultItems(parse(query), name, variables, caps).items;

  it('counts each alias, each ref and each representation, repeats included', () => {
    expect(count('{ a: messageStatus(provider: D7, id: "x") { __typename } b: messageStatus(provider: D7, id: "x") { __typename } }')).toBe(2);
    expect(count('query ($r: [MessageRef!]!) { a: messageStatuses(refs: $r) { __typename } b: messageStatuses(refs: $r) { __typename } }', { r: Array(30).fill({}) })).toBe(60);
    expect(count('{ messageStatuses(refs: [{ provider: D7, id: "x" }, { provider: D7, id: "x" }]) { __typename } }')).toBe(2);
    expect(count('{ messageStatuses(refs: { provider: D7, id: "x" }) { __typename } }')).toBe(1);
    expect(count('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: Array(7).fill({}) })).toBe(7);
  });

  it('follows fragments, merges one response key, and leaves lists over their own cap to their BATCH_TOO_LARGE', () => {
    expect(count('{ ...F ...F d7Report(requestId: "x") { state } } fragment F on Query { d7Report(requestId: "x") { state } n: node(id: "y") { id } }')).toBe(2);
    expect(count('{ ... on Query { a: betatelWdr(uuid: "x") { uuid } } __typename _service { sdl } }')).toBe(1);
    expect(count('query ($r: [MessageRef!]!) { messageStatuses(refs: $r) { __typename } }', { r: Array(101).fill({}) })).toBe(0);
  });

  it('counts the named operation only', () => {
    const doc = 'query A { a: d7Report(requestId: "x") { state } b: d7Report(requestId: "y") { state } } query B { d7Report(requestId: "x") { state } }';
    expect(count(doc, undefined, 'A')).toBe(2);
    expect(count(doc, undefined, 'B')).toBe(1);
  });
});
