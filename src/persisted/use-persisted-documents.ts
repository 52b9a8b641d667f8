import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { Kind, parse, type DocumentNode } from 'graphql';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { z } from 'zod';
import type { PersistedDocumentsSettings } from './settings.js';

/**
 * The manifest `npm run codegen` writes beside the project's operations. Same depth from
 * src/persisted/ and dist/persisted/, so a checkout, the npm package and the container find it.
 */
export const DEFAULT_MANIFEST = fileURLToPath(new URL('../../operations/generated/persisted-documents.json', import.meta.url));

const ID = /^sha256:[0-9a-f]{64}$/;
const manifestSchema = z.record(z.string().regex(ID, 'expected "sha256:" and 64 hex digits'), z.string().min(1));

/**
 * Reads a client-preset manifest (`{ "sha256:<hex>": "<document>" }`) and checks that each
 * id is the sha256 of its document and that each document parses: a stale or edited
 * manifest stops the start, instead of failing later request by request.
 */
export function loadManifest(path: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`persisted documents manifest ${path}: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`persisted documents manifest ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [id, document] of Object.entries(parsed.data)) {
    const actual = `sha256:${createHash('sha256').update(document).digest('hex')}`;
    if (actual !== id) throw new Error(`persisted documents manifest ${path}: ${id} is not the sha256 of its document (${actual})`);
    parse(document);
  }
  return new Map(Object.entries(parsed.data));
}

/** Root fields the federation router sends as query text: it has no manifest of its own. */
const ROUTER_FIELDS = new Set(['_service', '_entities', '__typename']);

/**
 * True when every operation in the text selects only `_service`, `_entities` and
 * `__typename` at its root, directly (no fragment at the root). These are how a router
 * reads the subgraph's SDL and resolves entity references; they reach no other root field.
 */
export function isRouterOperation(query: string): boolean {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return (
    operations.length > 0 &&
    operations.every((op) => op.operation === 'query' && op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && ROUTER_FIELDS.has(s.name.value)))
  );
}

/**
 * The id a client sent: `documentId` (GraphQL over HTTP persisted documents, what the
 * codegen client preset's hash is for) or Apollo's `extensions.persistedQuery.sha256Hash`.
 */
function documentId(params: GraphQLParams & { documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  const hash = (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  if (typeof hash === 'string') return hash.startsWith('sha256:') ? hash : `sha256:${hash}`;
  return null;
}

/** The yoga plugins for a mode; none for `off`. */
export function usePersistedDocuments(config: PersistedDocumentsSettings): Plugin[] {
  if (config.mode === 'off') return [];
  const manifest = loadManifest(config.manifestPath ?? DEFAULT_MANIFEST);
  const gate: Plugin = {
    onParams({ params }) {
      if (config.mode === 'require' && params.query && !isRouterOperation(params.query)) {
        throw createGraphQLError('Only persisted documents are accepted here: send the documentId of an operation in the manifest, not query text.', {
          extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
        });
      }
    },
  };
  return [
    gate,
    usePersistedOperations({
      // The gate above decides about query text.
      allowArbitraryOperations: true,
      extractPersistedOperationId: documentId,
      getPersistedOperation: (id) => manifest.get(id) ?? null,
      customErrors: {
        notFound: { message: 'PersistedQueryNotFound: no document with this id in the manifest.', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } } },
        keyNotFound: { message: 'Must provide query string or documentId.', extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
      },
    }),
  ];
}
