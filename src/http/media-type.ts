/**
 * Media types and their parameters are case-insensitive (RFC 9110 §8.3.1), and so are content
 * codings (§8.4.1): every comparison of them goes through these, never through the raw header.
 */

/** The media type alone, lower case: `APPLICATION/JSON; charset=UTF-8` → `application/json`. */
export function mediaType(contentType: string | null): string | undefined {
  return contentType?.split(',')[0]?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Whether a `Content-Encoding` header names any coding other than `identity` (gzip, br, …).
 * Nothing here decompresses: a JSON body is a few kilobytes, and an inflated body could be far
 * larger than the bytes counted against the body cap. Such a body is refused (415) unread.
 */
export function isEncoded(contentEncoding: string | null): boolean {
  if (contentEncoding === null) return false;
  return contentEncoding.split(',').some((part) => {
    const coding = part.trim().toLowerCase();
    return coding !== '' && coding !== 'identity';
  });
}
