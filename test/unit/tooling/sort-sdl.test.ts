import { describe, expect, it } from 'vitest';
import { sortSdl } from '../../../scripts/sort-sdl.js';

describe('sortSdl', () => {
  it('sorts types, fields, arguments, enum values, interfaces and union members; keeps schema extensions first', () => {
    const sdl = `
      union U = Z | A
      type Z implements Y & X { b(y: Int, x: Int): Int a: Int }
      enum E { ZED ALPHA }
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
      input I { z: Int a: Int }
      type A @key(fields: "b") @key(fields: "a") { a: Int b: Int }
    `;
    expect(sortSdl(sdl)).toBe(
      [
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])',
        '',
        // Directive order is kept: it is the code's, and already stable.
        'type A @key(fields: "b") @key(fields: "a") {\n  a: Int\n  b: Int\n}',
        '',
        'enum E {\n  ALPHA\n  ZED\n}',
        '',
        'input I {\n  a: Int\n  z: Int\n}',
        '',
        'union U = A | Z',
        '',
        'type Z implements X & Y {\n  a: Int\n  b(x: Int, y: Int): Int\n}',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text whatever the input order', () => {
    expect(sortSdl('type B { y: Int x: Int } type A { b: Int a: Int }')).toBe(sortSdl('type A { a: Int b: Int } type B { x: Int y: Int }'));
  });
});
