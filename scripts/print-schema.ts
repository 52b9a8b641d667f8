import { readFileSync, writeFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema } from '../src/graphql/schema.js';
import { providers } from '../src/providers/registry.js';
import { sortSdl } from './sort-sdl.js';

/** Writes schema.graphql, sorted (see sortSdl); with --check, fails when the committed file differs from the code. */
const target = new URL('../schema.graphql', import.meta.url);
const printed = sortSdl(printSubgraphSchema(buildSchema(providers)));

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed !== printed) {
    console.error('schema.graphql has drifted from the code: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the code');
} else {
  writeFileSync(target, printed);
  console.log('wrote schema.graphql');
}
