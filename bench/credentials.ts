/**
 * S runs in live mode, which refuses anonymous callers: every bench request carries an
 * API key. S knows KEY_POOL keys; the "distinct auth header per request" workload cycles
 * through all of them, the others send the first. B0, N and P ignore the header.
 */
export const KEY_POOL = 100;

export function benchKey(i: number): string {
  return `bench-key-${String(i % KEY_POOL).padStart(3, '0')}-0123456789abcdef`;
}

/** API_KEYS for S: every pool key, with every scope (the bench asks for phone numbers). */
export const BENCH_API_KEYS = Array.from({ length: KEY_POOL }, (_, i) => `bench${i}:${benchKey(i)}:status:read pii:read content:read`).join(',');
