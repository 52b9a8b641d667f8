/** The encodings the GraphiQL page is kept in, best first (brotli is about 25% smaller than gzip here). */
export const PAGE_ENCODINGS = ['br', 'gzip'] as const;
export type PageEncoding = (typeof PAGE_ENCODINGS)[number] | 'identity';

/**
 * The encoding to send for an Accept-Encoding header (RFC 9110 §12.5.3): the best of ours
 * that the client accepts with q > 0, naming it or `*`; identity when it names none or sends
 * no header. A q=0 for identity is ignored: the page is always sent, never a 406.
 */
export function preferredEncoding(header: string | null): PageEncoding {
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (name) weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (encoding: string) => weights.get(encoding) ?? weights.get('*') ?? 0;
  let best: PageEncoding = 'identity';
  let bestWeight = 0;
  for (const encoding of PAGE_ENCODINGS) {
    const weight = weightOf(encoding);
    if (weight > bestWeight) [best, bestWeight] = [encoding, weight];
  }
  return best;
}
