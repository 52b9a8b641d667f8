import { describe, expect, it } from 'vitest';
import { betatelErrorDetail, betatelWdrBody } from '../../../src/providers/betatel/schema.js';
import { BETATEL_DOCS_EXAMPLE } from '../../../src/providers/betatel/simulator.js';
import { d7ErrorDetail, d7ReportBody } from '../../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../../src/providers/d7/simulator.js';

const D7_MESSAGE = D7_DOCS_EXAMPLE.messages[0]!;

function withoutKey<T extends object>(obj: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...obj };
  delete copy[key];
  return copy;
}

describe('d7ReportBody', () => {
  it("parses the docs' example unchanged", () => {
    const parsed = d7ReportBody.safeParse(D7_DOCS_EXAMPLE);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(D7_DOCS_EXAMPLE);
  });

  it.each(['request_id', 'messages'] as const)('fails without required report field %s', (key) => {
    expect(d7ReportBody.safeParse(withoutKey(D7_DOCS_EXAMPLE, key)).success).toBe(false);
  });

  it.each(['msg_id', 'status'] as const)('fails without required message field %s', (key) => {
    const body = { ...D7_DOCS_EXAMPLE, messages: [withoutKey(D7_MESSAGE, key)] };
    const parsed = d7ReportBody.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toStrictEqual(['messages', 0, key]);
  });

  it.each([
    ['request_id as number', { request_id: 42 }],
    ['request_id empty', { request_id: '' }],
    ['messages as string', { messages: 'none' }],
    ['messages as object', { messages: { 0: D7_MESSAGE } }],
    ['messages null', { messages: null }],
    ['request_stage as boolean', { request_stage: true }],
    ['schedule_time as object', { schedule_time: {} }],
  ])('fails with wrong type: %s', (_label, patch) => {
    expect(d7ReportBody.safeParse({ ...D7_DOCS_EXAMPLE, ...patch }).success).toBe(false);
  });

  it.each([
    ['status as number', { status: 3 }],
    ['msg_id empty', { msg_id: '' }],
    ['msg_id as number', { msg_id: 7 }],
    ['originator as boolean', { originator: false }],
    ['reference as string', { reference: 'customerRef' }],
    ['reference tag as object', { reference: { message_tag1: {} } }],
  ])('fails with wrong message field type: %s', (_label, patch) => {
    expect(d7ReportBody.safeParse({ ...D7_DOCS_EXAMPLE, messages: [{ ...D7_MESSAGE, ...patch }] }).success).toBe(false);
  });

  it('fails on non-object bodies', () => {
    for (const body of [null, undefined, 'x', 42, [], [D7_DOCS_EXAMPLE]]) {
      expect(d7ReportBody.safeParse(body).success).toBe(false);
    }
  });

  it('tolerates unknown extra fields at every level (and drops them)', () => {
    const body = {
      ...D7_DOCS_EXAMPLE,
      new_top_level: { anything: 1 },
      messages: [{ ...D7_MESSAGE, price: 0.01, reference: { ...D7_MESSAGE.reference, message_tag6: 'x' } }],
    };
    const parsed = d7ReportBody.safeParse(body);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(D7_DOCS_EXAMPLE);
  });

  it('accepts numbers where text is expected and turns them into strings', () => {
    const parsed = d7ReportBody.parse({
      ...D7_DOCS_EXAMPLE,
      request_stage: 1,
      messages: [{ ...D7_MESSAGE, originator: 9190615123, recipient: 919061712345, template_id: 12, reference: { cust_ref: 5, message_tag1: 0 } }],
    });
    expect(parsed.request_stage).toBe('1');
    const m = parsed.messages[0];
    expect(m?.originator).toBe('9190615123');
    expect(m?.recipient).toBe('919061712345');
    expect(m?.template_id).toBe('12');
    expect(m?.reference?.cust_ref).toBe('5');
    expect(m?.reference?.message_tag1).toBe('0');
  });

  it('accepts null and absent optional fields', () => {
    const parsed = d7ReportBody.parse({
      request_id: 'r',
      messages: [{ msg_id: 'm', status: 'sent', originator: null, reference: null, waConvId: null }],
    });
    expect(parsed.messages[0]).toStrictEqual({ msg_id: 'm', status: 'sent', originator: null, reference: null, waConvId: null });
  });

  it('accepts schedule_time as text or a number', () => {
    expect(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, schedule_time: '2025-06-01T08:00:00Z' }).schedule_time).toBe('2025-06-01T08:00:00Z');
    expect(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, schedule_time: 1_748_764_800 }).schedule_time).toBe(1_748_764_800);
  });

  it('accepts an empty message list', () => {
    expect(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, messages: [] }).messages).toStrictEqual([]);
  });
});

describe('d7ErrorDetail', () => {
  it('object detail (404 WHATSAPP_LOG_NOT_EXISTS)', () => {
    const message = 'Given whatsapp message request id not exists in the system. Please Try Again!';
    expect(d7ErrorDetail({ detail: { code: 'WHATSAPP_LOG_NOT_EXISTS', message } })).toStrictEqual({ code: 'WHATSAPP_LOG_NOT_EXISTS', message });
  });

  it('object detail without a message', () => {
    expect(d7ErrorDetail({ detail: { code: 'ACCESS_TOKEN_EXPIRED' } })).toEqual({ code: 'ACCESS_TOKEN_EXPIRED' });
  });

  it('object detail with extra keys keeps code and message', () => {
    expect(d7ErrorDetail({ detail: { code: 'APPLICATION_NOT_EXISTS', message: 'm', extra: 1 } })).toEqual({ code: 'APPLICATION_NOT_EXISTS', message: 'm' });
  });

  it('array detail (422 validation) → VALIDATION_ERROR naming the location', () => {
    const detail = d7ErrorDetail({ detail: [{ loc: ['path', 'request_id'], msg: 'value is not a valid uuid', type: 'type_error.uuid' }] });
    expect(detail?.code).toBe('VALIDATION_ERROR');
    expect(detail?.message).toContain('path.request_id');
    expect(detail?.message).toContain('value is not a valid uuid');
  });

  it('array detail with several problems and numeric locations joins them all', () => {
    const detail = d7ErrorDetail({
      detail: [
        { loc: ['body', 'messages', 0, 'recipients'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['query', 'page'], msg: 'not an int' },
      ],
    });
    expect(detail?.code).toBe('VALIDATION_ERROR');
    expect(detail?.message).toContain('body.messages.0.recipients: field required');
    expect(detail?.message).toContain('query.page: not an int');
  });

  it('plain string detail', () => {
    expect(d7ErrorDetail({ detail: 'Not Found' })).toStrictEqual({ message: 'Not Found' });
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'Not Found'],
    ['a number', 500],
    ['an array', [{ detail: 'x' }]],
    ['no detail', { message: 'Internal Server Error' }],
    ['empty object', {}],
    ['detail as number', { detail: 42 }],
    ['detail null', { detail: null }],
    ['detail object with numeric code', { detail: { code: 401, message: 'x' } }],
    ['detail array item without msg', { detail: [{ loc: ['path'] }] }],
    ['detail array item without loc', { detail: [{ msg: 'bad' }] }],
  ])('non-matching body (%s) → undefined', (_label, body) => {
    expect(d7ErrorDetail(body)).toBeUndefined();
  });

  it('keeps the message of a detail object that has no code', () => {
    expect(d7ErrorDetail({ detail: { message: 'Token missing' } })).toEqual({ message: 'Token missing' });
  });
});

describe('betatelWdrBody', () => {
  it("parses the docs' example unchanged", () => {
    const parsed = betatelWdrBody.safeParse(BETATEL_DOCS_EXAMPLE);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(BETATEL_DOCS_EXAMPLE);
  });

  it.each(['uuid', 'status'] as const)('fails without required field %s', (key) => {
    const parsed = betatelWdrBody.safeParse(withoutKey(BETATEL_DOCS_EXAMPLE, key));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toStrictEqual([key]);
  });

  it.each([
    ['status as number (sandbox wrongShape)', { status: 42 }],
    ['uuid empty', { uuid: '' }],
    ['uuid as number', { uuid: 1 }],
    ['timestamp as number', { timestamp: 1705314600000 }],
    ['delivery_timestamp as boolean', { delivery_timestamp: true }],
    ['delivery_time as text', { delivery_time: 'fast' }],
    ['webhook_delivered as text', { webhook_delivered: 'yes' }],
    ['to as boolean', { to: true }],
  ])('fails with wrong type: %s', (_label, patch) => {
    expect(betatelWdrBody.safeParse({ ...BETATEL_DOCS_EXAMPLE, ...patch }).success).toBe(false);
  });

  it('fails on non-object bodies', () => {
    for (const body of [null, undefined, '<html>upstream proxy error</html>', 42, [BETATEL_DOCS_EXAMPLE]]) {
      expect(betatelWdrBody.safeParse(body).success).toBe(false);
    }
  });

  it('tolerates unknown extra fields (and drops them)', () => {
    const parsed = betatelWdrBody.safeParse({ ...BETATEL_DOCS_EXAMPLE, price: 0.02, channel: { name: 'wa' } });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(BETATEL_DOCS_EXAMPLE);
  });

  it('accepts numbers where text is expected (to, wam_id) and turns them into strings', () => {
    const parsed = betatelWdrBody.parse({ ...BETATEL_DOCS_EXAMPLE, to: 38761444555, wam_id: 12345 });
    expect(parsed.to).toBe('38761444555');
    expect(parsed.wam_id).toBe('12345');
  });

  it('accepts null optional fields', () => {
    const parsed = betatelWdrBody.parse({
      uuid: 'U',
      status: 'PENDING',
      wam_id: null,
      to: null,
      text: null,
      timestamp: null,
      delivery_timestamp: null,
      delivery_time: null,
      webhook_delivered: null,
    });
    expect(parsed.delivery_timestamp).toBeNull();
    expect(parsed.delivery_time).toBeNull();
    expect(parsed.webhook_delivered).toBeNull();
  });
});

describe('betatelErrorDetail', () => {
  it('{message}', () => {
    expect(betatelErrorDetail({ message: 'Authentication failed' })).toEqual({ message: 'Authentication failed' });
  });

  it('{error}', () => {
    expect(betatelErrorDetail({ error: 'Unauthorized' })).toEqual({ message: 'Unauthorized' });
  });

  it('{message} wins over {error}', () => {
    expect(betatelErrorDetail({ error: 'e', message: 'm' })).toEqual({ message: 'm' });
  });

  it('{code: 401} → code as text', () => {
    const detail = betatelErrorDetail({ code: 401 });
    expect(detail?.code).toBe('401');
    expect(detail?.message).toBeUndefined();
  });

  it('{code: "AUTH_FAILED", message}', () => {
    expect(betatelErrorDetail({ code: 'AUTH_FAILED', message: 'Authentication failed' })).toEqual({ code: 'AUTH_FAILED', message: 'Authentication failed' });
  });

  it.each([
    ['null', null],
    ['a string', 'Authentication failed'],
    ['a number', 401],
    ['message as number', { message: 42 }],
    ['error as object', { error: { message: 'x' } }],
    ['code as boolean', { code: true }],
  ])('non-matching body (%s) → undefined', (_label, body) => {
    expect(betatelErrorDetail(body)).toBeUndefined();
  });
});
