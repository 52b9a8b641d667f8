import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** `messageStatuses` over D7 refs: each item's type, its report's request id, or its error. */
export const D7_LOOKUP = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
      ... on D7Report { requestId }
      ... on ProviderError { code message }
    }
  }
`;

export type D7Item = { __typename: string; requestId?: string; code?: string; message?: string };

/** The items `ids` answer (D7 refs, one request); the request itself must have no GraphQL error. */
export async function lookupD7(h: Harness, ...ids: string[]): Promise<D7Item[]> {
  const res = await h.query<{ messageStatuses: D7Item[] }>(D7_LOOKUP, { refs: ids.map((id) => ({ provider: 'D7', id })) });
  expect(res.errors).toBeUndefined();
  return res.data!.messageStatuses;
}
