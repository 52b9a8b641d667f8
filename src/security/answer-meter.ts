import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/** The RESULT_TOO_LARGE refusal: more result items than MAX_RESULT_ITEMS (repeats and aliases counted). */
export function resultTooLarge(limit: number, counted: number): GraphQLError {
  return createGraphQLError(
    `this operation would answer more than ${limit} result items (MAX_RESULT_ITEMS; counted ${counted}: every repeat, alias, ref, representation and D7 message counts); select fewer or split it`,
    { extensions: { code: 'RESULT_TOO_LARGE', limit, counted } },
  );
}

/**
 * At least the bytes JSON would write for `value`, for any selection of it: 6 bytes per
 * character (a control character escapes to `\u0000`; UTF-8 needs at most 3), every key, 24
 * per other value. A walk without allocation: about a tenth of JSON.stringify's cost.
 */
function upperBytes(value: unknown): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (typeof value !== 'object' || value === null || value instanceof Date) return 26;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) bytes += upperBytes(item) + 1;
    return bytes;
  }
  for (const key in value) bytes += 6 * key.length + 4 + upperBytes((value as Record<string, unknown>)[key]);
  return bytes;
}

// Per record object: the cache hands the same object to every request, so after its first
// answer a record costs one WeakMap lookup (a tenth of walking it again).
const recordBytes = new WeakMap<object, number>();

function bytesOf(value: object): number {
  let bytes = recordBytes.get(value);
  if (bytes === undefined) {
    bytes = upperBytes(value);
    recordBytes.set(value, bytes);
  }
  return bytes;
}

/**
 * Per operation: the result items counted so far and an upper bound of the answer's value
 * bytes, so the answer-size check needs no walk of a result it can prove small. Armed for
 * query executions only (use-answer-limits.ts); a subscription's context stays unarmed, its events
 * are measured one by one.
 */
export class AnswerMeter {
  private limit = Number.POSITIVE_INFINITY;
  /** Result items: the static count of the document, then each D7 message as its list resolves. */
  items = 0;
  /** Nested objects counted dynamically (a D7 message and its reference), for the bound on keys. */
  objects = 0;
  /** An upper bound of the serialized bytes of the records and problems answered, once per item. */
  valueBytes = 0;
  /** Set once the item limit is passed: the operation's only answer. */
  refused: GraphQLError | undefined;

  arm(limit: number, staticItems: number): void {
    this.limit = limit;
    this.items = staticItems;
  }

  /** One result item: a record. */
  weigh<T extends object>(record: T): T {
    this.valueBytes += bytesOf(record);
    return record;
  }

  /** One result item: a lookup problem, its message and the id as the client sent it (a new small object each time: not memoized). */
  weighProblem<T extends { message: string; providerMessageId: string }>(problem: T): T {
    this.valueBytes += 6 * (problem.message.length + problem.providerMessageId.length) + 256;
    return problem;
  }

  /**
   * A list of sub-items of a result (a report's messages): counted as it resolves, and refused
   * the moment the operation passes the limit, before its objects are built.
   */
  list<T>(list: readonly T[]): readonly T[] {
    this.items += list.length;
    this.objects += 2 * list.length;
    if (this.items > this.limit) throw (this.refused ??= resultTooLarge(this.limit, this.items));
    return list;
  }
}
