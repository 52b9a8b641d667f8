import { describe, expect, it } from 'vitest';
import { isFinalState, type DeliveryState } from '../../../src/domain/delivery-state.js';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { mergeAnswers, supersedes } from '../../../src/domain/status-merge.js';
import { mergeD7Reports } from '../../../src/providers/d7/merge.js';
import { normalizeD7Report, type D7Record } from '../../../src/providers/d7/normalize.js';

const obs = (state: DeliveryState, observedAt: number) => ({ state, isFinal: isFinalState(state), observedAt });
const record = (state: DeliveryState, at: number): MessageStatusRecord => ({ provider: 'BETATEL', providerMessageId: 'u', state, isFinal: isFinalState(state), fetchedAt: new Date(at), details: { state } });

describe('the status merge rule', () => {
  it('moves forward on the ladder whatever the order of observation', () => {
    const ladder: DeliveryState[] = ['PENDING', 'SCHEDULED', 'SENT', 'DELIVERED', 'READ'];
    for (let i = 0; i < ladder.length; i += 1) {
      for (let j = 0; j < ladder.length; j += 1) {
        // Observed earlier (1) or later (3) than what is known (2): the more advanced wins either way.
        expect(supersedes(obs(ladder[j]!, 1), obs(ladder[i]!, 2)), `${ladder[j]} older than known ${ladder[i]}`).toBe(j > i);
        expect(supersedes(obs(ladder[j]!, 3), obs(ladder[i]!, 2)), `${ladder[j]} newer than known ${ladder[i]}`).toBe(j >= i);
      }
    }
  });

  it('lets DELIVERED follow FAILED (another device), never FAILED replace DELIVERED or READ', () => {
    expect(supersedes(obs('DELIVERED', 3), obs('FAILED', 2))).toBe(true);
    expect(supersedes(obs('FAILED', 3), obs('DELIVERED', 2))).toBe(false);
    expect(supersedes(obs('FAILED', 3), obs('READ', 2))).toBe(false);
    expect(supersedes(obs('FAILED', 3), obs('SENT', 2))).toBe(true);
  });

  it('never replaces a final state with a non-final one; DELETED may follow READ', () => {
    for (const final of ['READ', 'REJECTED', 'EXPIRED', 'DELETED'] as DeliveryState[]) {
      for (const moving of ['PENDING', 'SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'] as DeliveryState[]) {
        expect(supersedes(obs(moving, 9), obs(final, 1)), `${moving} after ${final}`).toBe(false);
      }
    }
    expect(supersedes(obs('DELETED', 3), obs('READ', 2))).toBe(true);
    expect(supersedes(obs('READ', 3), obs('DELETED', 2))).toBe(false);
  });

  it('orders UNKNOWN by time alone', () => {
    expect(supersedes(obs('UNKNOWN', 3), obs('SENT', 2))).toBe(true);
    expect(supersedes(obs('UNKNOWN', 1), obs('SENT', 2))).toBe(false);
    expect(supersedes(obs('SENT', 3), obs('UNKNOWN', 2))).toBe(true);
  });

  it('keeps a record over a later not-found (a regression), and takes a record over a not-found', () => {
    const known = { record: record('DELIVERED', 1), checkedAt: 1 };
    expect(mergeAnswers(known, null, 5)).toMatchObject({ answer: { record: known.record, checkedAt: 5 }, changed: false, regressed: true });
    expect(mergeAnswers({ record: null, checkedAt: 5 }, record('SENT', 1), 1)).toMatchObject({ answer: { record: { state: 'SENT' } }, changed: true });
  });

  it('reports a newer answer that went backwards as a regression, an older late one as nothing', () => {
    const known = { record: record('READ', 10), checkedAt: 10 };
    expect(mergeAnswers(known, record('SENT', 20), 20)).toMatchObject({ answer: { record: known.record, checkedAt: 20 }, changed: false, regressed: true });
    expect(mergeAnswers(known, record('SENT', 5), 5)).toMatchObject({ answer: { record: known.record, checkedAt: 10 }, changed: false, regressed: false });
  });
});

describe('D7 reports merge per msg_id', () => {
  const body = (messages: { msg_id: string; status: string }[]) => ({ request_id: 'r', messages, request_stage: 'processed', schedule_time: null });

  it('takes each message from whichever side the rule prefers, keeps messages only one side names, and aggregates again', () => {
    const known = normalizeD7Report(body([{ msg_id: 'a', status: 'read' }, { msg_id: 'b', status: 'sent' }, { msg_id: 'c', status: 'delivered' }]), new Date(10));
    const incoming = normalizeD7Report(body([{ msg_id: 'a', status: 'delivered' }, { msg_id: 'b', status: 'delivered' }]), new Date(20));
    const merged = mergeD7Reports(known, incoming) as D7Record;
    expect(merged.details.messages.map((m) => [m.msgId, m.state])).toEqual([
      ['a', 'READ'],
      ['b', 'DELIVERED'],
      ['c', 'DELIVERED'],
    ]);
    expect(merged).toMatchObject({ state: 'DELIVERED', isFinal: false });
  });

  it('returns what is known, unchanged, when the incoming report brings nothing newer', () => {
    const known = normalizeD7Report(body([{ msg_id: 'a', status: 'read' }]), new Date(10));
    const incoming = normalizeD7Report(body([{ msg_id: 'a', status: 'sent' }]), new Date(20));
    expect(mergeD7Reports(known, incoming)).toBe(known);
  });

  it('merges duplicate msg_ids within one body by the same rule', () => {
    const report = normalizeD7Report(body([{ msg_id: 'a', status: 'read' }, { msg_id: 'b', status: 'sent' }, { msg_id: 'a', status: 'sent' }, { msg_id: 'b', status: 'un_delivered' }]), new Date(10));
    expect(report.details.messages.map((m) => [m.msgId, m.state])).toEqual([
      ['a', 'READ'],
      ['b', 'FAILED'],
    ]);
    expect(report.state).toBe('FAILED');
  });
});
