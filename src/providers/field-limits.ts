import { z } from 'zod';

/**
 * Provider text that may arrive as a number (kept as text), at most `max` characters
 * (domain/record-bounds.ts FIELD_LIMITS). Too long is a schema failure, never a truncation.
 */
export const cappedText = (max: number) =>
  // A string is checked once; only a number (rare) pays for the transform and its own check.
  // (A union, then a transform and a pipe for every field cost 0.92 µs per D7 body against 0.74.)
  z.union([z.string().max(max), z.number().transform(String).pipe(z.string().max(max))]).nullish();

/** A string of at most `max` characters. */
export const cappedString = (max: number) => z.string().max(max);

/** "`field` is longer than N characters" for the first over-long field of a failed parse; undefined when none was too long. */
export function tooLongField(error: z.ZodError): string | undefined {
  const issue = error.issues.find((i) => i.code === 'too_big' && i.origin === 'string');
  if (!issue || issue.code !== 'too_big') return undefined;
  // Only the field's name (schema keys and array indexes), never its value.
  return `${issue.path.map(String).join('.') || 'the body'} is longer than ${String(issue.maximum)} characters`;
}
