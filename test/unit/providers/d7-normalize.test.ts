import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../../src/domain/delivery-state.js';
import { AGGREGATION_RULE, aggregateState } from '../../../src/providers/d7/aggregate.js';
import { d7State, normalizeD7Report, parseScheduleTime } from '../../../src/providers/d7/normalize.js';
import { d7ReportBody, type D7ReportBody } from '../../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../../src/providers/d7/simulator.js';

const FETCHED_AT = new Date('2025-05-01T12:00:00.000Z');

function message(status: string, msgId = '6d29d646-4e09-11ee-84f4-0242ac190006'): D7ReportBody['messages'][number] {
  return { msg_id: msgId, status };
}

function report(statuses: string[], scheduleTime: string | number | null = null): D7ReportBody {
  return {
    request_id: 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e',
    messages: statuses.map((s, i) => message(s, `00000000-0000-1000-8000-${String(i).padStart(12, '0')}`)),
    request_stage: 'processed',
    schedule_time: scheduleTime,
  };
}

describe('d7State: the D7 status table', () => {
  it.each<[string, DeliveryState]>([
    ['processed', 'PENDING'],
    ['scheduled', 'SCHEDULED'],
    ['sent', 'SENT'],
    ['delivered', 'DELIVERED'],
    ['read', 'READ'],
    ['un_delivered', 'FAILED'],
    ['rejected', 'REJECTED'],
    ['insufficient_credit', 'REJECTED'],
  ])('%s → %s', (status, state) => {
    expect(d7State(status)).toBe(state);
  });

  it.each<[string, DeliveryState]>([
    ['DELIVERED', 'DELIVERED'],
    ['Read', 'READ'],
    ['  sent  ', 'SENT'],
    ['\tUN_DELIVERED\n', 'FAILED'],
    [' Insufficient_Credit', 'REJECTED'],
  ])('tolerates case and surrounding whitespace: %j → %s', (status, state) => {
    expect(d7State(status)).toBe(state);
  });

  it.each(['not_reachable', '', '   ', 'undelivered', 'un delivered', 'failed', 'expired', 'READ_', 'toString', 'hasOwnProperty'])(
    'unknown status %j → UNKNOWN',
    (status) => {
      expect(d7State(status)).toBe('UNKNOWN');
    },
  );

  // BUG (src/providers/d7/normalize.ts:53): STATUS_TABLE is a plain object, so a
  // status that lower-cases to an Object.prototype key ("constructor",
  // "__proto__") returns the inherited function/object instead of UNKNOWN.
  it.each(['constructor', 'Constructor', '__proto__'])('unknown status %j that names an Object.prototype key → UNKNOWN', (status) => {
    expect(d7State(status)).toBe('UNKNOWN');
  });

  it('a message whose status names an Object.prototype key gets state UNKNOWN', () => {
    const record = normalizeD7Report(report(['constructor']), FETCHED_AT);
    expect(record.details.messages[0]?.state).toBe('UNKNOWN');
  });

  it('keeps the raw status text of an unknown status in the normalized message', () => {
    for (const raw of ['not_reachable', '', '  Weird Status ']) {
      const record = normalizeD7Report(report([raw]), FETCHED_AT);
      expect(record.details.messages[0]?.status).toBe(raw);
      expect(record.details.messages[0]?.state).toBe('UNKNOWN');
      expect(record.state).toBe('UNKNOWN');
      expect(record.isFinal).toBe(false);
    }
  });

  it('keeps the raw status text (original case and spacing) of a known status', () => {
    const record = normalizeD7Report(report([' Delivered ']), FETCHED_AT);
    expect(record.details.messages[0]).toMatchObject({ status: ' Delivered ', state: 'DELIVERED' });
  });
});

describe("normalizeD7Report: the docs' example body", () => {
  const body = d7ReportBody.parse(D7_DOCS_EXAMPLE);
  const record = normalizeD7Report(body, FETCHED_AT);

  it('maps the record envelope', () => {
    expect(record.provider).toBe('D7');
    expect(record.providerMessageId).toBe('f44e3f43-6d4e-4e46-becd-21993f3dcb8e');
    expect(record.state).toBe('READ');
    expect(record.isFinal).toBe(true);
    expect(record.fetchedAt).toBe(FETCHED_AT);
  });

  it('maps the report details', () => {
    expect(record.details.requestId).toBe('f44e3f43-6d4e-4e46-becd-21993f3dcb8e');
    expect(record.details.requestStage).toBe('processed');
    expect(record.details.scheduleTime).toBeNull();
    expect(record.details.messages).toHaveLength(1);
  });

  it('maps every field of the message', () => {
    expect(record.details.messages[0]).toStrictEqual({
      msgId: '6d29d646-4e09-11ee-84f4-0242ac190006',
      originator: '9190615xxxx',
      recipient: '+9190617xxxx',
      reference: {
        customerRef: 'customerRef',
        messageTag1: '...',
        messageTag2: '...',
        messageTag3: '...',
        messageTag4: '...',
        messageTag5: '...',
        conversationId: '...',
      },
      conversationType: 'marketing',
      messageType: 'TEMPLATE',
      templateId: 'marketing',
      whatsappConversationId: 'db311b5709a13ac72c1bd9f293c68625',
      status: 'read',
      state: 'READ',
      isFinal: true,
      observedAt: FETCHED_AT.getTime(),
      reason: 'Read by the user',
      unconfirmedSince: null,
    });
  });

  it('maps distinct reference tags to their own fields', () => {
    const distinct = d7ReportBody.parse({
      ...D7_DOCS_EXAMPLE,
      messages: [
        {
          ...D7_DOCS_EXAMPLE.messages[0],
          reference: {
            cust_ref: 'c',
            message_tag1: 't1',
            message_tag2: 't2',
            message_tag3: 't3',
            message_tag4: 't4',
            message_tag5: 't5',
            conversation_id: 'conv',
          },
        },
      ],
    });
    expect(normalizeD7Report(distinct, FETCHED_AT).details.messages[0]?.reference).toStrictEqual({
      customerRef: 'c',
      messageTag1: 't1',
      messageTag2: 't2',
      messageTag3: 't3',
      messageTag4: 't4',
      messageTag5: 't5',
      conversationId: 'conv',
    });
  });

  it('maps absent optional fields to null', () => {
    const minimal = normalizeD7Report({ request_id: 'r', messages: [{ msg_id: 'm', status: 'sent' }] }, FETCHED_AT);
    expect(minimal.details).toStrictEqual({
      requestId: 'r',
      requestStage: null,
      scheduleTime: null,
      messages: [
        {
          msgId: 'm',
          originator: null,
          recipient: null,
          reference: null,
          conversationType: null,
          messageType: null,
          templateId: null,
          whatsappConversationId: null,
          status: 'sent',
          state: 'SENT',
          isFinal: false,
          observedAt: FETCHED_AT.getTime(),
          reason: null,
          unconfirmedSince: null,
        },
      ],
      omittedMessages: 0,
    });
    expect(minimal.state).toBe('SENT');
    expect(minimal.isFinal).toBe(false);
  });

  it('maps a reference with missing tags to nulls', () => {
    const r = normalizeD7Report({ request_id: 'r', messages: [{ msg_id: 'm', status: 'read', reference: { cust_ref: 'x' } }] }, FETCHED_AT);
    expect(r.details.messages[0]?.reference).toStrictEqual({
      customerRef: 'x',
      messageTag1: null,
      messageTag2: null,
      messageTag3: null,
      messageTag4: null,
      messageTag5: null,
      conversationId: null,
    });
  });

  it('parses and carries a schedule time', () => {
    const r = normalizeD7Report(report([], '2025-06-01T08:00:00Z'), FETCHED_AT);
    expect(r.details.scheduleTime?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    expect(r.state).toBe('SCHEDULED');
  });
});

describe('aggregateState: AGGREGATION_RULE', () => {
  it('states the rules it implements', () => {
    for (const fragment of ['(1) no messages', '(2) any message still in progress', '(3) any message UNKNOWN', '(4) any message failed', '(5) otherwise', 'isFinal is true only when every message is in a final state']) {
      expect(AGGREGATION_RULE).toContain(fragment);
    }
  });

  describe('(1) no messages', () => {
    it('is PENDING without a schedule time, not final', () => {
      expect(aggregateState([])).toStrictEqual({ state: 'PENDING', isFinal: false });
      expect(aggregateState([], false)).toStrictEqual({ state: 'PENDING', isFinal: false });
    });

    it('is SCHEDULED with a schedule time, not final', () => {
      expect(aggregateState([], true)).toStrictEqual({ state: 'SCHEDULED', isFinal: false });
    });

    it('through normalizeD7Report: empty messages with and without schedule_time', () => {
      expect(normalizeD7Report(report([]), FETCHED_AT)).toMatchObject({ state: 'PENDING', isFinal: false });
      expect(normalizeD7Report(report([], 1_750_000_000), FETCHED_AT)).toMatchObject({ state: 'SCHEDULED', isFinal: false });
      // An unparseable schedule time counts as no schedule time.
      expect(normalizeD7Report(report([], 'garbage'), FETCHED_AT)).toMatchObject({ state: 'PENDING', isFinal: false });
    });

    it('ignores the schedule flag when there are messages', () => {
      expect(aggregateState(['READ'], true)).toStrictEqual({ state: 'READ', isFinal: true });
    });
  });

  describe('(2) any message in progress: the least advanced of PENDING < SCHEDULED < SENT', () => {
    it.each<[DeliveryState[], DeliveryState]>([
      [['PENDING'], 'PENDING'],
      [['SCHEDULED'], 'SCHEDULED'],
      [['SENT'], 'SENT'],
      [['SENT', 'SCHEDULED', 'PENDING'], 'PENDING'],
      [['SENT', 'SCHEDULED'], 'SCHEDULED'],
      [['READ', 'SENT'], 'SENT'],
      [['UNKNOWN', 'SENT'], 'SENT'],
      [['REJECTED', 'FAILED', 'SCHEDULED'], 'SCHEDULED'],
      [['DELIVERED', 'DELETED', 'EXPIRED', 'UNKNOWN', 'PENDING', 'READ'], 'PENDING'],
    ])('%j → %s', (states, state) => {
      expect(aggregateState(states)).toStrictEqual({ state, isFinal: false });
    });
  });

  describe('(3) no message in progress, any UNKNOWN: UNKNOWN', () => {
    it.each<[DeliveryState[]]>([[['UNKNOWN']], [['READ', 'UNKNOWN']], [['REJECTED', 'UNKNOWN']], [['UNKNOWN', 'FAILED', 'DELIVERED']]])('%j → UNKNOWN', (states) => {
      expect(aggregateState(states)).toStrictEqual({ state: 'UNKNOWN', isFinal: false });
    });

    it('matches the sandbox "mixed" report: read, delivered, not_reachable → UNKNOWN', () => {
      expect(normalizeD7Report(report(['read', 'delivered', 'not_reachable']), FETCHED_AT)).toMatchObject({ state: 'UNKNOWN', isFinal: false });
    });
  });

  describe('(4) any failure: the first of REJECTED, FAILED, EXPIRED present', () => {
    it.each<[DeliveryState[], DeliveryState, boolean]>([
      [['FAILED'], 'FAILED', false],
      [['REJECTED'], 'REJECTED', true],
      [['EXPIRED'], 'EXPIRED', true],
      [['EXPIRED', 'FAILED', 'REJECTED'], 'REJECTED', false],
      [['EXPIRED', 'FAILED'], 'FAILED', false],
      [['EXPIRED', 'REJECTED'], 'REJECTED', true],
      // A partial failure is a failure.
      [['READ', 'FAILED'], 'FAILED', false],
      [['DELIVERED', 'READ', 'EXPIRED'], 'EXPIRED', false],
      [['READ', 'REJECTED'], 'REJECTED', true],
      [['DELETED', 'EXPIRED'], 'EXPIRED', true],
    ])('%j → %s (isFinal %s)', (states, state, isFinal) => {
      expect(aggregateState(states)).toStrictEqual({ state, isFinal });
    });
  });

  describe('(5) every message reached the recipient: the least advanced of DELIVERED < READ < DELETED', () => {
    it.each<[DeliveryState[], DeliveryState, boolean]>([
      [['DELIVERED'], 'DELIVERED', false],
      [['READ'], 'READ', true],
      [['DELETED'], 'DELETED', true],
      [['READ', 'DELIVERED'], 'DELIVERED', false],
      [['DELETED', 'READ'], 'READ', true],
      [['DELETED', 'DELIVERED', 'READ'], 'DELIVERED', false],
      [['READ', 'READ', 'READ'], 'READ', true],
    ])('%j → %s (isFinal %s)', (states, state, isFinal) => {
      expect(aggregateState(states)).toStrictEqual({ state, isFinal });
    });
  });

  describe('isFinal only when every message is final', () => {
    it('is true when all messages are in final states', () => {
      expect(aggregateState(['READ', 'DELETED', 'REJECTED', 'EXPIRED']).isFinal).toBe(true);
    });

    it('is false when any one message is not final', () => {
      for (const notFinal of ['PENDING', 'SCHEDULED', 'SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'] as const) {
        expect(aggregateState(['READ', 'READ', notFinal]).isFinal).toBe(false);
      }
    });

    it('through normalizeD7Report', () => {
      expect(normalizeD7Report(report(['read', 'read']), FETCHED_AT)).toMatchObject({ state: 'READ', isFinal: true });
      expect(normalizeD7Report(report(['read', 'delivered']), FETCHED_AT)).toMatchObject({ state: 'DELIVERED', isFinal: false });
      expect(normalizeD7Report(report(['read', 'insufficient_credit']), FETCHED_AT)).toMatchObject({ state: 'REJECTED', isFinal: true });
      expect(normalizeD7Report(report(['read', 'un_delivered']), FETCHED_AT)).toMatchObject({ state: 'FAILED', isFinal: false });
    });
  });

  it('does not depend on message order', () => {
    const states: DeliveryState[] = ['DELIVERED', 'FAILED', 'READ', 'REJECTED'];
    const expected = aggregateState(states);
    expect(expected).toStrictEqual({ state: 'REJECTED', isFinal: false });
    expect(aggregateState([...states].reverse())).toStrictEqual(expected);
  });
});

describe('parseScheduleTime', () => {
  it('null, undefined and empty text → null', () => {
    expect(parseScheduleTime(null)).toBeNull();
    expect(parseScheduleTime(undefined)).toBeNull();
    expect(parseScheduleTime('')).toBeNull();
  });

  it.each([
    ['2025-06-01T08:00:00Z', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01T08:00:00.250Z', '2025-06-01T08:00:00.250Z'],
    ['2025-06-01T10:00:00+02:00', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01T10:00:00+0200', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01T03:00:00-05:00', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01t08:00:00z', '2025-06-01T08:00:00.000Z'],
  ])('ISO text with a zone: %j', (input, iso) => {
    expect(parseScheduleTime(input)?.toISOString()).toBe(iso);
  });

  it.each([
    ['2025-06-01T08:00:00', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01T08:00:00.5', '2025-06-01T08:00:00.500Z'],
    ['2025-06-01 08:00:00', '2025-06-01T08:00:00.000Z'],
    ['  2025-06-01T08:00:00  ', '2025-06-01T08:00:00.000Z'],
  ])('ISO text without a zone is UTC: %j', (input, iso) => {
    expect(parseScheduleTime(input)?.toISOString()).toBe(iso);
  });

  it('epoch seconds', () => {
    expect(parseScheduleTime(1_748_764_800)?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
  });

  it('epoch milliseconds', () => {
    expect(parseScheduleTime(1_748_764_800_000)?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    expect(parseScheduleTime(1_748_764_800_123)?.toISOString()).toBe('2025-06-01T08:00:00.123Z');
  });

  it.each(['garbage', 'not a date', '2025-13-45T99:99:99', '2025-06-01T08:00:00+25:99x', 'Z', '   '])('garbage %j → null', (input) => {
    expect(parseScheduleTime(input)).toBeNull();
  });

  it('non-finite numbers → null', () => {
    expect(parseScheduleTime(Number.NaN)).toBeNull();
    expect(parseScheduleTime(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
