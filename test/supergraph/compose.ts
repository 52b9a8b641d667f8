import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const OUR_SDL_FILE = new URL('../../schema.graphql', import.meta.url);
export const OUTBOUND_SDL_FILE = new URL('./outbound.graphql', import.meta.url);

export interface SubgraphUrls {
  messageStatus: string;
  outbound: string;
}

export interface SubgraphSdls {
  messageStatus: string;
  outbound: string;
}

/** The committed SDL files, read now (so a test sees the files as they are). */
export function committedSdls(): SubgraphSdls {
  return { messageStatus: readFileSync(OUR_SDL_FILE, 'utf8'), outbound: readFileSync(OUTBOUND_SDL_FILE, 'utf8') };
}

export type CompositionOutcome = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

/**
 * Composes the committed `schema.graphql` with the test-only outbound subgraph, as the
 * company's supergraph would. URLs only matter to a gateway; the check script passes placeholders.
 */
export function composeSupergraph(urls: SubgraphUrls, sdls: SubgraphSdls = committedSdls()): CompositionOutcome {
  const result = composeServices([
    { name: 'message-status', url: urls.messageStatus, typeDefs: parse(sdls.messageStatus) },
    { name: 'outbound', url: urls.outbound, typeDefs: parse(sdls.outbound) },
  ]);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
}
