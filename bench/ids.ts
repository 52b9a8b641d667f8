/**
 * Benchmark ids that carry the number of the request that asked for them, so the mock
 * upstream can count calls per request exactly (requests cut off at the end of a run are
 * left out) and every request can ask for ids no earlier request asked for.
 */
export type Provider = 'D7' | 'BETATEL';
export interface Ref {
  provider: Provider;
  id: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i += 1) {
    out = CROCKFORD[n % 32]! + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** A UUID (v4 layout): `<run>-0000-4000-8000-<request 8 hex><slot 4 hex>`. */
export function d7Id(run: number, request: number, slot: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(run, 8)}-0000-4000-8000-${hex(request, 8)}${hex(slot, 4)}`;
}

/** A ULID: `0` + run (7) + request (10) + slot (8), Crockford base32. */
export function betatelId(run: number, request: number, slot: number): string {
  return `0${base32(run, 7)}${base32(request, 10)}${base32(slot, 8)}`;
}

/** The request number inside an id made above; undefined for any other id. */
export function requestOf(provider: string, id: string): number | undefined {
  if (provider === 'D7') {
    const m = /^[0-9a-f]{8}-0000-4000-8000-([0-9a-f]{8})[0-9a-f]{4}$/.exec(id);
    return m ? parseInt(m[1]!, 16) : undefined;
  }
  if (id.length !== 26) return undefined;
  let n = 0;
  for (const c of id.slice(8, 18)) {
    const v = CROCKFORD.indexOf(c);
    if (v < 0) return undefined;
    n = n * 32 + v;
  }
  return n;
}

export interface RefsShape {
  /** Refs per request. */
  size: number;
  /** Share of refs that repeat another ref of the same request (0 or 0.5). */
  repeated: number;
  /** 'D7', or 'mix' for D7 and Betatel alternating. */
  providers: 'D7' | 'mix';
}

/** The refs of request number `request`: fresh ids (never asked before in this run). */
export function makeRefs(run: number, request: number, shape: RefsShape): Ref[] {
  const distinct = Math.max(1, Math.round(shape.size * (1 - shape.repeated)));
  return Array.from({ length: shape.size }, (_, i) => {
    const slot = i % distinct;
    const provider: Provider = shape.providers === 'mix' && slot % 2 === 1 ? 'BETATEL' : 'D7';
    return { provider, id: provider === 'D7' ? d7Id(run, request, slot) : betatelId(run, request, slot) };
  });
}

export function distinctCount(refs: readonly Ref[]): number {
  return new Set(refs.map((r) => `${r.provider}:${r.id}`)).size;
}
