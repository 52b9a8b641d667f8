import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedDocumentCaches, MAX_CACHED_DOCUMENT_CHARS, MAX_CACHED_DOCUMENTS_CHARS } from '../../../src/http/document-cache.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('parsed documents kept between requests are bounded in size', () => {
  it('a document longer than MAX_CACHED_DOCUMENT_CHARS is never kept; the rest are bounded in characters as well as count', () => {
    const { documentCache, errorCache } = boundedDocumentCaches();
    for (const cache of [documentCache, errorCache]) {
      const long = `{ __typename } #${'x'.repeat(MAX_CACHED_DOCUMENT_CHARS)}`;
      cache.set(long, { kind: 'Document' } as never);
      expect(cache.get(long)).toBeUndefined();
      const texts = Array.from({ length: 400 }, (_, i) => `{ __typename } #${i} ${'y'.repeat(MAX_CACHED_DOCUMENT_CHARS - 20)}`);
      for (const text of texts) cache.set(text, { kind: 'Document' } as never);
      const kept = texts.filter((t) => cache.get(t) !== undefined);
      expect(kept.length * MAX_CACHED_DOCUMENT_CHARS).toBeLessThanOrEqual(MAX_CACHED_DOCUMENTS_CHARS + MAX_CACHED_DOCUMENT_CHARS);
      // The most recent stay.
      expect(cache.get(texts.at(-1)!)).toBeDefined();
    }
  });
});

describe('distinct long documents from one caller', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(() => h.close());

  it('200 distinct 95 KB documents, each sent twice, are answered and leave the heap about where it was', { timeout: 120_000 }, async () => {
    const pad = 'x'.repeat(95_000);
    // Warm-up: the first requests build what every request shares.
    for (let i = 0; i < 5; i++) expect((await h.query(`{ __typename } # warm ${i}`)).status).toBe(200);
    const before = heapAfterGc();
    for (let i = 0; i < 200; i++) {
      for (const query of [`{ __typename } # ${i} ${pad}`, `{ __typename # ${i} ${pad}`]) {
        for (let k = 0; k < 2; k++) {
          const res = await h.post(JSON.stringify({ query }));
          expect(res.status).toBeLessThan(500);
          await res.text();
        }
      }
    }
    const grown = (heapAfterGc() - before) / 1024 / 1024;
    // Kept whole (before): about 400 texts of 95 KB with their ASTs and compiled queries, well over 60 MB.
    expect(grown).toBeLessThan(25);
    const res = await h.query<{ __typename: string }>('{ __typename }');
    expect(res.data).toEqual({ __typename: 'Query' });
  });
});
