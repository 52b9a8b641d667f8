import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Longest document text kept parsed: a frontend's operations and the introspection query are a few KiB. */
export const MAX_CACHED_DOCUMENT_CHARS = 16 * 1024;
/** Text of all documents kept parsed (and of parse errors), per cache; the ASTs are a few times more. */
export const MAX_CACHED_DOCUMENTS_CHARS = 4 * 1024 * 1024;
const MAX_ENTRIES = 1024;
const TTL_MS = 3_600_000;

/**
 * Yoga keeps the parsed document (and a parse error) of the last 1,024 texts for an hour, by
 * count alone, and graphql-jit compiles what stays: one caller sending distinct 95 KB documents
 * (a long comment) twice each grew the process from 175 to 575 MB in under a minute, held for the
 * hour. Here a document longer than MAX_CACHED_DOCUMENT_CHARS is parsed per request and never
 * kept (nor compiled), and what is kept is bounded in characters as well as entries.
 */
export function boundedDocumentCaches() {
  const cache = <T extends object>() => {
    const lru = new LRUCache<string, T>({ max: MAX_ENTRIES, ttl: TTL_MS, maxSize: MAX_CACHED_DOCUMENTS_CHARS, sizeCalculation: (_value, key) => Math.max(1, key.length) });
    return {
      get: (key: string) => lru.get(key),
      set: (key: string, value: T) => {
        if (key.length <= MAX_CACHED_DOCUMENT_CHARS) lru.set(key, value);
      },
    };
  };
  return { documentCache: cache<DocumentNode>(), errorCache: cache<object>() };
}
