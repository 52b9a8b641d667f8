import { BETATEL_DOCS_EXAMPLE, BETATEL_SANDBOX } from '../src/providers/betatel/simulator.js';
import { aggregateState } from '../src/providers/d7/aggregate.js';
import { D7_DOCS_EXAMPLE, D7_SANDBOX } from '../src/providers/d7/simulator.js';
import { digest, digitsFrom, uuidFrom } from '../src/sandbox/simulator-kit.js';
import type { DeliveryState } from '../src/domain/delivery-state.js';

/**
 * What the simulators would answer, written out independently of the
 * service's own normalizers, so a mixed-up, stale-shaped or garbled answer
 * shows up as wrong. Injected faults may turn any answer into a ProviderError;
 * nothing may turn it into other data, a MessageNotFound it is not, or a crash.
 */

export interface Ref {
  provider: 'D7' | 'BETATEL';
  id: string;
}

export type Item = Record<string, unknown> & { __typename: string };

// The documented status tables (docs/states.md), restated here on purpose.
const D7_STATES: Record<string, DeliveryState> = { processed: 'PENDING', sent: 'SENT', delivered: 'DELIVERED', un_delivered: 'FAILED', read: 'READ', not_reachable: 'UNKNOWN' };
const BETATEL_STATES: Record<string, DeliveryState> = { PENDING: 'PENDING', SENT: 'SENT', DELIVERED: 'DELIVERED', READ: 'READ', FAILED: 'FAILED', EXPIRED: 'EXPIRED', DELETED: 'DELETED', QUEUED_AT_CARRIER: 'UNKNOWN' };

/** Ids whose only correct answers are typed errors (never data). */
const ERROR_ONLY = new Set<string>([
  D7_SANDBOX.unauthorized, D7_SANDBOX.rateLimited, D7_SANDBOX.serverError, D7_SANDBOX.malformedJson, D7_SANDBOX.wrongShape,
  BETATEL_SANDBOX.unauthorized, BETATEL_SANDBOX.rateLimited, BETATEL_SANDBOX.serverError, BETATEL_SANDBOX.malformedJson, BETATEL_SANDBOX.wrongShape,
]);
const NOT_FOUND = new Set<string>([D7_SANDBOX.notFound, BETATEL_SANDBOX.notFound]);

/** Why `item` is a wrong answer to `ref`, or undefined when it is right. */
export function wrongness(ref: Ref, item: Item | undefined): string | undefined {
  if (!item) return 'missing item';
  const kind = item.__typename;
  if (kind === 'InvalidMessageId') return 'a valid id was called invalid';
  if (item.provider !== ref.provider) return `provider ${String(item.provider)} for a ${ref.provider} ref`;
  if (item.providerMessageId !== ref.id) return `providerMessageId ${String(item.providerMessageId)} for ${ref.id}`;
  if (kind === 'ProviderError') return typeof item.code === 'string' ? undefined : 'ProviderError without a code';
  if (kind === 'MessageNotFound') return NOT_FOUND.has(ref.id) ? undefined : 'MessageNotFound for a known id';
  if (NOT_FOUND.has(ref.id) || ERROR_ONLY.has(ref.id)) return `${kind} data for an id that only has errors`;
  if (ref.provider === 'D7') return kind === 'D7Report' ? d7Wrongness(ref.id, item) : `${kind} for a D7 ref`;
  return kind === 'BetatelWdr' ? betatelWrongness(ref.id, item) : `${kind} for a Betatel ref`;
}

interface D7MessageItem {
  msgId: string;
  recipient: string | null;
  status: string;
  state: string;
}

function d7Wrongness(id: string, item: Item): string | undefined {
  if (item.requestId !== id) return `requestId ${String(item.requestId)}`;
  const messages = item.messages as D7MessageItem[];
  if (id === D7_SANDBOX.example) {
    const doc = D7_DOCS_EXAMPLE.messages[0]!;
    const ok = messages.length === 1 && messages[0]!.msgId === doc.msg_id && messages[0]!.status === doc.status && item.state === 'READ' && item.isFinal === true;
    return ok ? undefined : 'differs from the documented example';
  }
  const expectedCount = id === D7_SANDBOX.mixed ? 3 : 1 + (digest(id)[0]! % 3);
  if (messages.length !== expectedCount) return `${messages.length} messages, expected ${expectedCount}`;
  for (const [i, m] of messages.entries()) {
    const seed = `${id}:${i}`;
    if (m.msgId !== uuidFrom(seed, 1)) return `message ${i} msgId ${m.msgId}`;
    if (m.recipient !== `+91906${digitsFrom(seed, 7)}`) return `message ${i} recipient ${String(m.recipient)}`;
    const expectedState = D7_STATES[m.status];
    if (!expectedState) return `message ${i} has status ${m.status}, which the simulator never sends`;
    if (m.state !== expectedState) return `message ${i} state ${m.state} for status ${m.status}`;
  }
  const aggregate = aggregateState(messages.map((m) => m.state as DeliveryState));
  if (item.state !== aggregate.state || item.isFinal !== aggregate.isFinal) return `report state ${String(item.state)}, messages say ${aggregate.state}`;
  if (id === D7_SANDBOX.mixed && item.state !== 'UNKNOWN') return 'mixed report is not UNKNOWN';
  return undefined;
}

function betatelWrongness(id: string, item: Item): string | undefined {
  if (item.uuid !== id) return `uuid ${String(item.uuid)}`;
  if (id === BETATEL_SANDBOX.example) {
    const ok = item.to === BETATEL_DOCS_EXAMPLE.to && item.whatsappMessageId === BETATEL_DOCS_EXAMPLE.wam_id && item.status === 'DELIVERED' && item.state === 'DELIVERED';
    return ok ? undefined : 'differs from the documented example';
  }
  if (item.to !== `3876${digitsFrom(id, 8)}`) return `to ${String(item.to)}`;
  if (item.whatsappMessageId !== `wamid.${digest(id).toString('base64url').slice(0, 28)}`) return `wam_id ${String(item.whatsappMessageId)}`;
  const expectedState = BETATEL_STATES[item.status as string];
  if (!expectedState) return `status ${String(item.status)}, which the simulator never sends`;
  if (item.state !== expectedState) return `state ${String(item.state)} for status ${String(item.status)}`;
  if (id === BETATEL_SANDBOX.unknownStatus && item.state !== 'UNKNOWN') return 'unknown-status record is not UNKNOWN';
  return undefined;
}
