import { describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../../../src/graphql/global-id.js';
import { betatel } from '../../../src/providers/betatel/index.js';
import { d7 } from '../../../src/providers/d7/index.js';

const D7_EXAMPLE = 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e';
const ULID_EXAMPLE = '01JV5V54KPYK9GB29265EQRZ2P';

const HOSTILE = [
  '../x',
  '../../etc/passwd',
  '%2F',
  'a%2Fb',
  'a?b',
  'a#b',
  'a/b',
  'a b',
  ' ',
  '',
  'ünïcödé',
  '😀',
  'a\u0000b',
  '\u0000',
  'x'.repeat(10_000),
];

describe('d7.parseId', () => {
  it.each([
    [D7_EXAMPLE, D7_EXAMPLE],
    ['6d29d646-4e09-11ee-84f4-0242ac190006', '6d29d646-4e09-11ee-84f4-0242ac190006'], // v1
    ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001'], // v4
    ['1ef21d2f-1207-6660-8c4f-419efbd44d48', '1ef21d2f-1207-6660-8c4f-419efbd44d48'], // v6
    ['01890a5d-ac96-774b-bcce-b302099a8057', '01890a5d-ac96-774b-bcce-b302099a8057'], // v7
    ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'], // nil
    ['ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffffffff-ffff-ffff-ffff-ffffffffffff'], // max
  ])('accepts any UUID version: %s', (raw, canonical) => {
    expect(d7.parseId(raw)).toBe(canonical);
  });

  it('accepts upper and mixed case, canonical form is lower case', () => {
    expect(d7.parseId(D7_EXAMPLE.toUpperCase())).toBe(D7_EXAMPLE);
    expect(d7.parseId('F44e3F43-6D4e-4E46-BeCd-21993F3dCb8E')).toBe(D7_EXAMPLE);
  });

  it.each([
    'f44e3f43-6d4e-4e46-becd-21993f3dcb8', // too short
    'f44e3f43-6d4e-4e46-becd-21993f3dcb8ee', // too long
    'f44e3f436d4e4e46becd21993f3dcb8e', // no hyphens
    '{f44e3f43-6d4e-4e46-becd-21993f3dcb8e}', // braces
    'urn:uuid:f44e3f43-6d4e-4e46-becd-21993f3dcb8e',
    'g44e3f43-6d4e-4e46-becd-21993f3dcb8e', // non-hex
    'f44e3f43_6d4e_4e46_becd_21993f3dcb8e',
    'f44e3f43-6d4e4-e46-becd-21993f3dcb8e', // hyphen in the wrong place
    ` ${D7_EXAMPLE}`,
    `${D7_EXAMPLE} `,
    `${D7_EXAMPLE}\n`,
    `\n${D7_EXAMPLE}`,
    `${D7_EXAMPLE}/../x`,
    ULID_EXAMPLE,
  ])('rejects non-UUID %j', (raw) => {
    expect(d7.parseId(raw)).toBeUndefined();
  });

  it.each(HOSTILE.map((id) => [id.length > 40 ? `${id.slice(0, 10)}…(${id.length} chars)` : JSON.stringify(id), id]))('rejects hostile id %s', (_label, raw) => {
    expect(d7.parseId(raw)).toBeUndefined();
  });

  it('rejects a UUID with a null byte, a query or a fragment appended', () => {
    for (const suffix of ['\u0000', '?x=1', '#frag', '%2F', '/', ' ']) {
      expect(d7.parseId(`${D7_EXAMPLE}${suffix}`)).toBeUndefined();
    }
  });

  it('rejects a UUID written with full-width or lookalike characters', () => {
    expect(d7.parseId(D7_EXAMPLE.replace('f', '\uff46'))).toBeUndefined(); // full-width f
    expect(d7.parseId(D7_EXAMPLE.replace(/-/g, '\u2010'))).toBeUndefined(); // unicode hyphen
  });
});

describe('betatel.parseId', () => {
  it('accepts the documented ULID', () => {
    expect(betatel.parseId(ULID_EXAMPLE)).toBe(ULID_EXAMPLE);
  });

  it('accepts lower and mixed case, canonical form is upper case', () => {
    expect(betatel.parseId(ULID_EXAMPLE.toLowerCase())).toBe(ULID_EXAMPLE);
    expect(betatel.parseId('01jv5V54kpyk9gb29265EQRZ2p')).toBe(ULID_EXAMPLE);
  });

  it.each(['00000000000000000000000000', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', '0123456789ABCDEFGHJKMNPQRS', '0000000000000000000000BAD0'])('accepts ULID %s', (raw) => {
    expect(betatel.parseId(raw)).toBe(raw);
  });

  it.each(['I', 'L', 'O', 'U', 'i', 'l', 'o', 'u'])('rejects the excluded letter %s', (letter) => {
    const raw = `01JV5V54KPYK9GB29265EQRZ2${letter}`;
    expect(raw).toHaveLength(26);
    expect(betatel.parseId(raw)).toBeUndefined();
  });

  it.each([
    ['25 chars', ULID_EXAMPLE.slice(0, 25)],
    ['27 chars', `${ULID_EXAMPLE}0`],
    ['empty', ''],
    ['1 char', '0'],
  ])('rejects the wrong length (%s)', (_label, raw) => {
    expect(betatel.parseId(raw)).toBeUndefined();
  });

  it.each(['8', '9', 'A', 'Z', 'z'])('rejects a first character above 7: %s', (first) => {
    expect(betatel.parseId(`${first}${ULID_EXAMPLE.slice(1)}`)).toBeUndefined();
  });

  it.each([
    ` ${ULID_EXAMPLE}`,
    `${ULID_EXAMPLE} `,
    `${ULID_EXAMPLE}\n`,
    `01JV5V54KPYK9GB29265EQRZ2-`,
    `01JV5V54KPYK9GB29265EQRZ2_`,
    `01JV5V54KPYK9GB29265EQRZ2\u017f`, // Latin small long s (case-folds to S)
    `01JV5V54KPYK9GB29265EQRZ2\u212a`, // Kelvin sign (case-folds to K)
    D7_EXAMPLE,
  ])('rejects non-ULID %j', (raw) => {
    expect(betatel.parseId(raw)).toBeUndefined();
  });

  it.each(HOSTILE.map((id) => [id.length > 40 ? `${id.slice(0, 10)}…(${id.length} chars)` : JSON.stringify(id), id]))('rejects hostile id %s', (_label, raw) => {
    expect(betatel.parseId(raw)).toBeUndefined();
  });

  it('rejects a ULID with a null byte, a query or a fragment appended', () => {
    for (const suffix of ['\u0000', '?x=1', '#frag', '%2F', '/', ' ']) {
      expect(betatel.parseId(`${ULID_EXAMPLE}${suffix}`)).toBeUndefined();
    }
  });

  it('rejects 26-character hostile ids', () => {
    for (const raw of ['../../../../../../../../xy', '%2F%2F%2F%2F%2F%2F%2F%2F%2', '0000000000000000000000000?', '0000000000000000000000000#', '000000000000 0000000000000', '0000000000000000000000000\u0000']) {
      expect(raw).toHaveLength(26);
      expect(betatel.parseId(raw)).toBeUndefined();
    }
  });
});

describe('global ids', () => {
  it.each([
    ['D7Report', D7_EXAMPLE],
    ['BetatelWdr', ULID_EXAMPLE],
    ['D7Report', 'id:with:colons'],
    ['T', ''],
    ['T', 'ünïcödé 😀'],
  ])('round-trips %s / %j', (typeName, id) => {
    const encoded = encodeGlobalId(typeName, id);
    expect(encoded).not.toContain(':');
    expect(decodeGlobalId(encoded)).toStrictEqual({ typeName, id });
  });

  it('encodes as base64 of "<TypeName>:<id>" (the Relay convention)', () => {
    const encoded = encodeGlobalId('D7Report', D7_EXAMPLE);
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(`D7Report:${D7_EXAMPLE}`);
    expect(encoded).toBe(Buffer.from(`D7Report:${D7_EXAMPLE}`).toString('base64'));
  });

  it('decodes a base64url form too', () => {
    const id = '??>>??'; // base64 of this contains + and /
    const encoded = encodeGlobalId('T', id);
    expect(encoded).toMatch(/[+/]/);
    const url = encoded.replace(/\+/g, '-').replace(/\//g, '_');
    expect(decodeGlobalId(url)).toStrictEqual({ typeName: 'T', id });
  });

  it.each([
    ['empty', ''],
    ['not base64 (punctuation)', '!!!!'],
    ['not base64 (space)', 'RDdS ZXBvcnQ6eA=='],
    ['not base64 (too much padding)', 'RDdSZXBvcnQ6eA==='],
    ['padding in the middle', 'RDdS=ZXBvcnQ6eA=='],
    ['raw text with colon', `D7Report:${D7_EXAMPLE}`],
    ['no colon', Buffer.from('D7Report').toString('base64')],
    ['colon first (empty type name)', Buffer.from(':abc').toString('base64')],
    ['too long', Buffer.from(`D7Report:${'x'.repeat(600)}`).toString('base64')],
    ['513 chars of valid alphabet', 'A'.repeat(513)],
    ['null byte', 'RDdS\u0000ZXBvcnQ6eA=='],
    ['unicode', 'RDdSZXBvcnQ6eA==é'],
  ])('decode rejects garbage: %s', (_label, raw) => {
    expect(decodeGlobalId(raw)).toBeUndefined();
  });

  it('decode accepts up to 512 characters', () => {
    const id = 'x'.repeat(370);
    const encoded = encodeGlobalId('D7Report', id);
    expect(encoded.length).toBeLessThanOrEqual(512);
    expect(decodeGlobalId(encoded)).toStrictEqual({ typeName: 'D7Report', id });
  });
});
