import { composeSupergraph } from '../test/supergraph/compose.js';

/**
 * Composes schema.graphql with the test-only outbound subgraph (test/supergraph/outbound.graphql)
 * using @apollo/composition, the library the gateway uses; exits 1 when composition fails.
 * Hints are printed: they do not fail the check.
 */
const outcome = composeSupergraph({ messageStatus: 'http://message-status.invalid/graphql', outbound: 'http://outbound.invalid/graphql' });
if (!outcome.ok) {
  console.error(`Composition failed (${outcome.errors.length} error(s)):`);
  for (const error of outcome.errors) console.error(`- ${error}`);
  process.exit(1);
}
for (const hint of outcome.hints) console.log(`hint: ${hint}`);
console.log(`schema.graphql composes with the outbound subgraph (${outcome.hints.length} hint(s))`);
