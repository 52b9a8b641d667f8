import { z } from 'zod';

/**
 * A Date in its JSON form (what `JSON.stringify` makes of one: ISO text in UTC, millisecond
 * precision) decoded back to the same Date. For records kept outside the process (Redis).
 */
export const jsonInstant = z.iso.datetime().transform((text) => new Date(text));
