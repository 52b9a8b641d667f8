import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../src/domain/instant.js';
import { betatelWdrBody } from '../../../src/providers/betatel/schema.js';
import { normalizeBetatelWdr } from '../../../src/providers/betatel/normalize.js';

describe('parseInstant', () => {
  it.each([
    ['2024-01-15T10:30:00.000Z', '2024-01-15T10:30:00.000Z'],
    ['2024-01-15T10:30:00+02:00', '2024-01-15T08:30:00.000Z'],
    ['2024-01-15 10:30:00', '2024-01-15T10:30:00.000Z'], // no zone: UTC, never local time
    ['2024-01-15T10:30:00', '2024-01-15T10:30:00.000Z'],
    ['2024-01-15', '2024-01-15T00:00:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseInstant(input)?.toISOString()).toBe(iso);
  });

  it('reads epoch seconds and milliseconds, and rejects garbage', () => {
    expect(parseInstant(1705314600)?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
    expect(parseInstant(1705314600000)?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
    for (const junk of ['', '   ', 'yesterday', null, undefined]) expect(parseInstant(junk)).toBeNull();
  });
});

describe('Betatel bodies with numbers where text is documented', () => {
  it('keeps a numeric OTP as text and a numeric-string delivery_time as a number', () => {
    const body = betatelWdrBody.parse({ uuid: '01JV5V54KPYK9GB29265EQRZ2P', status: 'READ', text: 482910, delivery_time: '2143', timestamp: '2024-01-15 10:30:00' });
    const record = normalizeBetatelWdr(body, new Date(0));
    expect(record.details.text).toBe('482910');
    expect(record.details.deliveryTimeMs).toBe(2143);
    expect(record.details.createdAt?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
  });

  it('still rejects a delivery_time that is not a number', () => {
    expect(betatelWdrBody.safeParse({ uuid: 'x', status: 'READ', delivery_time: 'soon' }).success).toBe(false);
  });
});
