import { readFileSync } from 'node:fs';
import { composeServices as apolloCompose } from '@apollo/composition';
import { composeServices as guildCompose } from '@theguild/federation-composition';
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

/** Apollo's (GraphOS, Rover, @apollo/gateway) and The Guild's (Hive, Hive Gateway). */
export type CompositionLibrary = 'apollo' | 'guild';
export const COMPOSITION_LIBRARIES: readonly CompositionLibrary[] = ['apollo', 'guild'];

/**
 * Composes the committed `schema.graphql` with the test-only outbound subgraph, as the
 * company's supergraph would. URLs only matter to a gateway; the check script passes placeholders.
 */
export function composeSupergraph(urls: SubgraphUrls, sdls: SubgraphSdls = committedSdls(), library: CompositionLibrary = 'apollo'): CompositionOutcome {
  const services = [
    { name: 'message-status', url: urls.messageStatus, typeDefs: parse(sdls.messageStatus) },
    { name: 'outbound', url: urls.outbound, typeDefs: parse(sdls.outbound) },
  ];
  if (library === 'guild') {
    const result = guildCompose(services);
    // The Guild's composition reports no hints.
    return result.errors ? { ok: false, errors: result.errors.map((e) => e.message) } : { ok: true, supergraphSdl: result.supergraphSdl, hints: [] };
  }
  const result = apolloCompose(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
}
