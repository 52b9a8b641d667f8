import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/** The RESPONSE_TOO_LARGE answer: the serialized answer would pass MAX_RESPONSE_BYTES. */
export function responseTooLarge(limit: number, counted: number): GraphQLError {
  return createGraphQLError(`this answer would be larger than ${limit} bytes (MAX_RESPONSE_BYTES; counted ${counted} before stopping); select fewer fields or items, or split the operation`, {
    extensions: { code: 'RESPONSE_TOO_LARGE', limit, counted },
  });
}

// Strings JSON writes as they are: printable ASCII without `"` or `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function stringBytes(text: string, limit: number): number {
  // A string longer than the limit passes it whatever its escapes; never stringify it.
  if (text.length > limit || PLAIN.test(text)) return text.length + 2;
  return Buffer.byteLength(JSON.stringify(text));
}

/**
 * The bytes `JSON.stringify(value)` would write as UTF-8, counted without building the string,
 * and stopping as soon as the count passes `limit` (the figure returned is then only "more
 * than limit"). Work is bounded by the limit, not by the value: an answer of hundreds of
 * megabytes costs about as much to refuse as one of `limit` bytes.
 */
export function jsonBytesUpTo(value: unknown, limit: number): number {
  let total = 0;
  const visit = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        total += stringBytes(v, limit);
        return;
      case 'number':
        total += Number.isFinite(v) ? String(v).length : 4;
        return;
      case 'boolean':
        total += v ? 4 : 5;
        return;
      case 'bigint':
        total += String(v).length;
        return;
      case 'object': {
        if (v === null) {
          total += 4;
          return;
        }
        const toJSON = (v as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === 'function') return visit((toJSON as () => unknown).call(v));
        // Brackets, then a comma before every entry but the first.
        total += 2;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i += 1) {
            if (i > 0) total += 1;
            const item: unknown = v[i];
            // JSON writes null for what it cannot write in an array.
            if (item === undefined || typeof item === 'function' || typeof item === 'symbol') total += 4;
            else visit(item);
            if (total > limit) return;
          }
          return;
        }
        let first = true;
        for (const key of Object.keys(v)) {
          const item = (v as Record<string, unknown>)[key];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
          total += stringBytes(key, limit) + (first ? 1 : 2);
          first = false;
          visit(item);
          if (total > limit) return;
        }
        return;
      }
      default:
    }
  };
  visit(value);
  return total;
}
