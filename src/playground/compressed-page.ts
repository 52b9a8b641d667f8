import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { PageEncoding } from './accept-encoding.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

type Body = Buffer<ArrayBuffer>;

/**
 * On the ~9 MB GraphiQL page, on the libuv thread pool (off the event loop), measured:
 * brotli quality 5 about 0.3 s for 1.95 MB (quality 9: 0.9 s for 4% less; 11: 13 s for 12%
 * less); gzip level 6 about 0.2 s for 2.44 MB (level 9 saves 0.3%). Cheap settings, because
 * a loaded machine pays this at the first view of each encoding.
 */
const COMPRESSORS: Record<Exclude<PageEncoding, 'identity'>, (page: Body) => Promise<Body>> = {
  br: (page) =>
    brotli(page, {
      params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: page.length },
    }) as Promise<Body>,
  gzip: (page) => gzipAsync(page, { level: 6 }) as Promise<Body>,
};

/** One page, its validator, and its bodies per encoding. */
export interface CompressedPage {
  /** Weak: the same for every encoding of the page (If-None-Match compares weakly). */
  etag: string;
  /** Each encoding is compressed once, at its first request, then served from memory. */
  body(encoding: PageEncoding): Promise<Body>;
}

export function compressedPage(page: string): CompressedPage {
  const identity = Buffer.from(page, 'utf8');
  const etag = `W/"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
  const bodies = new Map<PageEncoding, Promise<Body>>([['identity', Promise.resolve(identity)]]);
  return {
    etag,
    body(encoding) {
      let body = bodies.get(encoding);
      if (!body) {
        // Kept as a promise: concurrent first requests share one compression.
        body = COMPRESSORS[encoding as Exclude<PageEncoding, 'identity'>](identity);
        bodies.set(encoding, body);
      }
      return body;
    },
  };
}

/** True when an If-None-Match header names this etag (weak comparison) or is `*`. */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
