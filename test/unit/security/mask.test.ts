import { describe, expect, it } from 'vitest';
import { maskPhoneNumber } from '../../../src/security/mask.js';

describe('maskPhoneNumber', () => {
  it.each([
    ['+919061712355', '+91********55'],
    ['919061712355', '91********55'],
    ['+14155550123', '+14*******23'],
    ['+971501234567', '+97********67'],
    ['12345', '12*45'],
  ])('%s → %s', (input, masked) => {
    expect(maskPhoneNumber(input)).toBe(masked);
  });

  it('never shows more than the first two and last two digits', () => {
    const masked = maskPhoneNumber('+447700900123');
    expect(masked.replace(/\*/g, '')).toBe('+4423');
    expect(masked).toHaveLength('+447700900123'.length);
  });

  it('masks whole what is not a phone number (sender names, short codes, separators are dropped)', () => {
    expect(maskPhoneNumber('AcmeBank')).toBe('********');
    expect(maskPhoneNumber('1234')).toBe('****');
    expect(maskPhoneNumber('')).toBe('*');
    expect(maskPhoneNumber('+91 90617 12355')).toBe('+91********55');
  });
});
