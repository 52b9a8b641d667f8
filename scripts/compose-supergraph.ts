import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

/**
 * `npm run supergraph -- [--url URL] [--out FILE]`: a supergraph of this subgraph alone, composed
 * as Hive composes (The Guild's library), for trying a router on one machine before the company
 * supergraph exists (docs/federation.md, "Try Hive Gateway locally"). FILE is relative to the
 * repository root (npm runs scripts there).
 */
const USAGE = 'usage: npm run supergraph -- [--url http://localhost:4000/graphql] [--out supergraph.graphql]';

let values: { url?: string; out?: string };
try {
  ({ values } = parseArgs({ options: { url: { type: 'string' }, out: { type: 'string' } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
const url = values.url ?? 'http://localhost:4000/graphql';
if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
  console.error(`--url must be this service's http(s) URL, such as http://localhost:4000/graphql (got ${JSON.stringify(url)})\n${USAGE}`);
  process.exit(1);
}
const out = resolve(values.out ?? 'supergraph.graphql');

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const composed = composeServices([{ name: 'message-status', url, typeDefs }]);
if (composed.errors) {
  console.error(`composition failed:\n${composed.errors.map((e) => `- ${e.message}`).join('\n')}`);
  process.exit(1);
}
writeFileSync(out, composed.supergraphSdl);
console.log(`wrote ${out}: the message-status subgraph at ${url}`);
