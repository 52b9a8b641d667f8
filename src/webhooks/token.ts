import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * A check of a candidate against the secret token in constant time: both are hashed first, so
 * neither the comparison nor a length mismatch says how much of a guess was right.
 */
export function tokenMatcher(expected: string): (candidate: string) => boolean {
  const want = sha256(expected);
  return (candidate) => timingSafeEqual(sha256(candidate), want);
}
