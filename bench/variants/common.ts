/**
 * What the baselines (B0, N, P) share: the benchmark query, id checks and a minimal
 * mapping of provider bodies to the fields that query selects. They check ids like the
 * service (UUID / ULID) and check only the body fields they read; the service validates
 * whole bodies with zod and keeps every field, which is part of what its numbers pay for.
 */
import { readFileSync } from 'node:fs';
import type { Ref } from '../ids.js';

export const BENCH_QUERY = /* GraphQL */ `query Bench($refs: [MessageRef!]!) {
  messageStatuses(refs: $refs) {
    __typename
    ... on MessageStatus { provider providerMessageId state isFinal }
    ... on LookupError { provider providerMessageId message retryable }
  }
}`;

export const SCHEMA_SDL = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

export function validId(ref: Ref): boolean {
  return ref.provider === 'D7' ? UUID.test(ref.id) : ref.provider === 'BETATEL' ? ULID.test(ref.id) : false;
}

export interface Upstream {
  /** Origin of the mock (or real) provider API. */
  url: string;
  d7Token: string;
  betatelKey: string;
  betatelAccount: string;
}

export function upstreamPath(ref: Ref): string {
  return ref.provider === 'D7' ? `/whatsapp/v2/report/${encodeURIComponent(ref.id)}` : `/api/v1/connect-hub/whatsapp/${encodeURIComponent(ref.id)}/wdr`;
}

export function upstreamHeaders(ref: Ref, up: Upstream): Record<string, string> {
  return ref.provider === 'D7'
    ? { authorization: `Bearer ${up.d7Token}` }
    : { 'content-type': 'application/json', 'x-api-key': up.betatelKey, 'x-account-id': up.betatelAccount };
}

const D7_STATES: Record<string, string> = {
  processed: 'PENDING',
  scheduled: 'SCHEDULED',
  sent: 'SENT',
  delivered: 'DELIVERED',
  read: 'READ',
  un_delivered: 'FAILED',
  rejected: 'REJECTED',
  insufficient_credit: 'REJECTED',
};
const BETATEL_STATES = new Set(['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'EXPIRED', 'DELETED', 'UNKNOWN']);
const FINAL = new Set(['READ', 'REJECTED', 'EXPIRED', 'DELETED']);

export type Item = Record<string, unknown> & { __typename: string };

export function invalidItem(ref: Ref): Item {
  return { __typename: 'InvalidMessageId', provider: ref.provider, providerMessageId: ref.id, message: 'malformed id', retryable: false };
}

export function errorItem(ref: Ref, status: number | undefined, why: string): Item {
  if (status === 404) return { __typename: 'MessageNotFound', provider: ref.provider, providerMessageId: ref.id, message: 'not found', retryable: false };
  return { __typename: 'ProviderError', provider: ref.provider, providerMessageId: ref.id, message: why, retryable: true, code: 'UNAVAILABLE' };
}

/** A 200 body to an item; a body without the fields read is a ProviderError. */
export function recordItem(ref: Ref, body: unknown): Item {
  const b = body as Record<string, unknown> | null;
  let state: string | undefined;
  if (ref.provider === 'D7') {
    // First recipient only: the naive builds skip the service's multi-recipient aggregation.
    const first = Array.isArray(b?.messages) ? (b.messages[0] as { status?: unknown } | undefined) : undefined;
    if (typeof b?.request_id === 'string' && typeof first?.status === 'string') state = D7_STATES[first.status] ?? 'UNKNOWN';
  } else if (typeof b?.uuid === 'string' && typeof b.status === 'string') {
    state = BETATEL_STATES.has(b.status) ? b.status : 'UNKNOWN';
  }
  if (state === undefined) return errorItem(ref, 200, 'bad response');
  return { __typename: ref.provider === 'D7' ? 'D7Report' : 'BetatelWdr', provider: ref.provider, providerMessageId: ref.id, state, isFinal: FINAL.has(state) };
}
