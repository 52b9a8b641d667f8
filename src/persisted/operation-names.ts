import { existsSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import type { PersistedDocumentsSettings } from './settings.js';
import { DEFAULT_MANIFEST, loadManifest } from './use-persisted-documents.js';

/**
 * The operation names of the project's own operations (the default manifest, which codegen
 * writes from operations/) and of the configured manifest: names that are metric labels from
 * the start, whatever clients send.
 */
export function knownOperationNames(config: PersistedDocumentsSettings): string[] {
  const paths = new Set<string>();
  if (existsSync(DEFAULT_MANIFEST)) paths.add(DEFAULT_MANIFEST);
  // A configured manifest is read (and checked) only when persisted documents are on, as usePersistedDocuments does.
  if (config.mode !== 'off' && config.manifestPath) paths.add(config.manifestPath);
  const names = new Set<string>();
  for (const path of paths) {
    for (const document of loadManifest(path).values()) {
      for (const definition of parse(document).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
      }
    }
  }
  return [...names];
}
