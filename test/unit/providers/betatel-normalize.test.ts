import { describe, expect, it } from 'vitest';
import { DELIVERY_STATES, isFinalState, type DeliveryState } from '../../../src/domain/delivery-state.js';
import { betatelState, normalizeBetatelWdr } from '../../../src/providers/betatel/normalize.js';
import { betatelWdrBody, type BetatelWdrBody } from '../../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../../src/providers/betatel/simulator.js';

const FETCHED_AT = new Date('2025-05-01T12:00:00.000Z');

function wdr(overrides: Partial<BetatelWdrBody> = {}): BetatelWdrBody {
  return { ...betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), ...overrides };
}

describe('betatelState: the Betatel status table', () => {
  it.each<[string, DeliveryState]>([
    ['PENDING', 'PENDING'],
    ['SENT', 'SENT'],
    ['DELIVERED', 'DELIVERED'],
    ['READ', 'READ'],
    ['FAILED', 'FAILED'],
    ['EXPIRED', 'EXPIRED'],
    ['DELETED', 'DELETED'],
    ['UNKNOWN', 'UNKNOWN'],
  ])('%s → %s', (status, state) => {
    expect(betatelState(status)).toBe(state);
  });

  it.each<[string, DeliveryState]>([
    ['delivered', 'DELIVERED'],
    ['Read', 'READ'],
    ['  sent ', 'SENT'],
    ['\texpired\n', 'EXPIRED'],
  ])('tolerates case and surrounding whitespace: %j → %s', (status, state) => {
    expect(betatelState(status)).toBe(state);
  });

  it.each(['QUEUED_AT_CARRIER', '', '  ', 'SCHEDULED', 'REJECTED', 'UNDELIVERED', 'DELIVERED!', 'constructor', '__proto__', 'toString'])(
    'unknown status %j → UNKNOWN',
    (status) => {
      expect(betatelState(status)).toBe('UNKNOWN');
    },
  );

  it('keeps the raw text of an unknown status', () => {
    const record = normalizeBetatelWdr(wdr({ status: 'QUEUED_AT_CARRIER' }), FETCHED_AT);
    expect(record.state).toBe('UNKNOWN');
    expect(record.details.status).toBe('QUEUED_AT_CARRIER');
    expect(record.isFinal).toBe(false);
  });

  it('keeps the raw text of a known status as sent', () => {
    const record = normalizeBetatelWdr(wdr({ status: ' read ' }), FETCHED_AT);
    expect(record.state).toBe('READ');
    expect(record.details.status).toBe(' read ');
  });
});

describe("normalizeBetatelWdr: the docs' example body", () => {
  const record = normalizeBetatelWdr(betatelWdrBody.parse(BETATEL_DOCS_EXAMPLE), FETCHED_AT);

  it('maps the record envelope', () => {
    expect(record.provider).toBe('BETATEL');
    expect(record.providerMessageId).toBe('01JV5V54KPYK9GB29265EQRZ2P');
    expect(record.state).toBe('DELIVERED');
    // DELIVERED is not final: READ may follow.
    expect(record.isFinal).toBe(false);
    expect(record.fetchedAt).toBe(FETCHED_AT);
  });

  it('maps every field of the details', () => {
    expect(record.details).toStrictEqual({
      uuid: '01JV5V54KPYK9GB29265EQRZ2P',
      whatsappMessageId: 'wamid.HBgLMzg3NjE0NDQ1NTUVAgARGBI',
      to: '38761444555',
      text: '482910',
      status: 'DELIVERED',
      createdAt: new Date('2024-01-15T10:30:00.000Z'),
      deliveredAt: new Date('2024-01-15T10:30:02.000Z'),
      deliveryTimeMs: 2143,
      webhookDelivered: true,
    });
    expect(record.details.createdAt?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
    expect(record.details.deliveredAt?.toISOString()).toBe('2024-01-15T10:30:02.000Z');
  });
});

describe('normalizeBetatelWdr: optional and odd fields', () => {
  it('null delivery_timestamp → deliveredAt null', () => {
    expect(normalizeBetatelWdr(wdr({ delivery_timestamp: null }), FETCHED_AT).details.deliveredAt).toBeNull();
  });

  it('absent optional fields → null', () => {
    const record = normalizeBetatelWdr({ uuid: '01JV5V54KPYK9GB29265EQRZ2P', status: 'PENDING' }, FETCHED_AT);
    expect(record.details).toStrictEqual({
      uuid: '01JV5V54KPYK9GB29265EQRZ2P',
      whatsappMessageId: null,
      to: null,
      text: null,
      status: 'PENDING',
      createdAt: null,
      deliveredAt: null,
      deliveryTimeMs: null,
      webhookDelivered: null,
    });
    expect(record.state).toBe('PENDING');
    expect(record.isFinal).toBe(false);
  });

  it('webhook_delivered false stays false (not null)', () => {
    expect(normalizeBetatelWdr(wdr({ webhook_delivered: false }), FETCHED_AT).details.webhookDelivered).toBe(false);
  });

  it.each(['not a date', '2024-13-45T99:99:99Z', '', 'yesterday'])('invalid dates → null: %j', (value) => {
    const record = normalizeBetatelWdr(wdr({ timestamp: value, delivery_timestamp: value }), FETCHED_AT);
    expect(record.details.createdAt).toBeNull();
    expect(record.details.deliveredAt).toBeNull();
  });

  it('dates with an offset are converted to the same instant', () => {
    const record = normalizeBetatelWdr(wdr({ timestamp: '2024-01-15T12:30:00+02:00' }), FETCHED_AT);
    expect(record.details.createdAt?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
  });

  it.each([
    [-1, null],
    [-0.4, null],
    [-2143, null],
    [2_147_483_648, null],
    [1e15, null],
    [Number.MAX_SAFE_INTEGER, null],
  ])('delivery_time %d out of range → null', (ms, expected) => {
    expect(normalizeBetatelWdr(wdr({ delivery_time: ms }), FETCHED_AT).details.deliveryTimeMs).toBe(expected);
  });

  it.each([
    [0, 0],
    [1, 1],
    [2143.4, 2143],
    [2143.5, 2144],
    [0.2, 0],
    [2_147_483_647, 2_147_483_647],
  ])('delivery_time %d → %d (fractional rounded)', (ms, expected) => {
    expect(normalizeBetatelWdr(wdr({ delivery_time: ms }), FETCHED_AT).details.deliveryTimeMs).toBe(expected);
  });

  it('null delivery_time → null', () => {
    expect(normalizeBetatelWdr(wdr({ delivery_time: null }), FETCHED_AT).details.deliveryTimeMs).toBeNull();
  });
});

describe('normalizeBetatelWdr: isFinal follows delivery-state.ts', () => {
  it('has the documented final states', () => {
    expect(DELIVERY_STATES.filter(isFinalState)).toStrictEqual(['READ', 'REJECTED', 'EXPIRED', 'DELETED']);
  });

  it.each<[string, DeliveryState, boolean]>([
    ['PENDING', 'PENDING', false],
    ['SENT', 'SENT', false],
    ['DELIVERED', 'DELIVERED', false],
    ['READ', 'READ', true],
    ['FAILED', 'FAILED', false],
    ['EXPIRED', 'EXPIRED', true],
    ['DELETED', 'DELETED', true],
    ['UNKNOWN', 'UNKNOWN', false],
    ['QUEUED_AT_CARRIER', 'UNKNOWN', false],
  ])('%s → state %s, isFinal %s', (status, state, isFinal) => {
    const record = normalizeBetatelWdr(wdr({ status }), FETCHED_AT);
    expect(record.state).toBe(state);
    expect(record.isFinal).toBe(isFinal);
    expect(record.isFinal).toBe(isFinalState(state));
  });
});
