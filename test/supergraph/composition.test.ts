import { describe, expect, it } from 'vitest';
import { COMPOSITION_LIBRARIES, committedSdls, composeSupergraph } from './compose.js';

const urls = { messageStatus: 'http://message-status.invalid/graphql', outbound: 'http://outbound.invalid/graphql' };

describe('supergraph composition (@apollo/composition)', () => {
  it('composes schema.graphql with the outbound subgraph, without hints', () => {
    const outcome = composeSupergraph(urls);
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'));
    expect(outcome.hints).toEqual([]);
    // Both subgraphs are in, and MessageStatus is our entity interface, referenced by outbound.
    expect(outcome.supergraphSdl).toContain('MESSAGE_STATUS @join__graph(name: "message-status", url: "http://message-status.invalid/graphql")');
    expect(outcome.supergraphSdl).toContain('OUTBOUND @join__graph(name: "outbound", url: "http://outbound.invalid/graphql")');
    expect(outcome.supergraphSdl).toMatch(/interface MessageStatus implements Node\s+@join__implements\(graph: MESSAGE_STATUS, interface: "Node"\)\s+@join__type\(graph: MESSAGE_STATUS, key: "id"\)/);
    expect(outcome.supergraphSdl).toMatch(/@join__type\(graph: OUTBOUND, key: "id", resolvable: false, isInterfaceObject: true\)/);
  });

  it('carries our @tag marks into the supergraph, for schema contracts', () => {
    const outcome = composeSupergraph(urls);
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'));
    expect(outcome.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/tag/v0.3")');
    const tagged = outcome.supergraphSdl
      .split('\n')
      .filter((line) => line.includes('@tag('))
      .map((line) => line.trim())
      .filter((line) => !line.startsWith('directive'));
    expect(tagged).toEqual(['text: String @tag(name: "pii") @tag(name: "secret")', 'to: String @tag(name: "pii")', 'recipient: String @tag(name: "pii")']);
  });

});

describe.each(COMPOSITION_LIBRARIES)('composition with %s', (library) => {
  it('composes, with the interface entity and the interface object reference', () => {
    const outcome = composeSupergraph(urls, undefined, library);
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'));
    expect(outcome.supergraphSdl).toMatch(/@join__type\(graph: MESSAGE_STATUS, key: "id"\)/);
    expect(outcome.supergraphSdl).toMatch(/@join__type\(graph: OUTBOUND, key: "id", resolvable: false, isInterfaceObject: true\)/);
  });

  it('fails when our schema breaks the federation rules (the check can fail)', () => {
    const sdls = committedSdls();
    // An implementation of the entity interface without the interface's key.
    const broken = sdls.messageStatus.replace(/(type D7Report [^{]*?)\s*@key\(fields: "id"\)/, '$1');
    expect(broken).not.toBe(sdls.messageStatus);
    const outcome = composeSupergraph(urls, { ...sdls, messageStatus: broken }, library);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.errors.join('\n')).toMatch(/@key\(fields: "id"\) on interface type "MessageStatus" is missing on implementation type "D7Report"/);
  });
});
