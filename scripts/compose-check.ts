import { COMPOSITION_LIBRARIES, composeSupergraph } from '../test/supergraph/compose.js';

/**
 * Composes schema.graphql with the test-only outbound subgraph (test/supergraph/outbound.graphql)
 * with both composition libraries a company router may use; exits 1 when either fails.
 * Hints are printed: they do not fail the check.
 */
let failed = false;
for (const library of COMPOSITION_LIBRARIES) {
  const outcome = composeSupergraph({ messageStatus: 'http://message-status.invalid/graphql', outbound: 'http://outbound.invalid/graphql' }, undefined, library);
  if (!outcome.ok) {
    failed = true;
    console.error(`${library}: composition failed (${outcome.errors.length} error(s)):`);
    for (const error of outcome.errors) console.error(`- ${error}`);
    continue;
  }
  for (const hint of outcome.hints) console.log(`${library}: hint: ${hint}`);
  console.log(`${library}: schema.graphql composes with the outbound subgraph (${outcome.hints.length} hint(s))`);
}
if (failed) process.exit(1);
