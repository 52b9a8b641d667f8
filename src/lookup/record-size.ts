import type { MessageStatusRecord } from '../domain/message-status.js';

// Rough V8 costs, rounded up: a bound, not an accounting. Strings count two bytes a character
// (a two-byte string when any character needs it), so the estimate never undercounts text.
const OBJECT = 48;
const FIELD = 16;
const ARRAY = 32;
const SLOT = 8;
const STRING = 24;

const sizes = new WeakMap<object, number>();

/**
 * An estimate of the bytes a record holds, for the cache's byte bound. A walk over the record's
 * fields (no serialization: no string is built), remembered per record object, so a merge that
 * returns the known record, or a record put again, costs one WeakMap lookup. Objects shared
 * between records (a D7 message kept across merges) are counted in each: an over-estimate.
 */
export function recordBytes(record: MessageStatusRecord): number {
  let size = sizes.get(record);
  if (size === undefined) {
    size = valueBytes(record, 0);
    sizes.set(record, size);
  }
  return size;
}

/**
 * An object in a list (a D7 message), remembered per object: a webhook patch builds a new
 * record that shares every other message with the known one, so its estimate costs one
 * lookup per message, not a walk over their strings.
 */
function itemBytes(item: object, depth: number): number {
  let size = sizes.get(item);
  if (size === undefined) {
    size = valueBytes(item, depth);
    sizes.set(item, size);
  }
  return size;
}

function valueBytes(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return STRING + value.length * 2;
    case 'object': {
      if (value === null) return SLOT;
      if (value instanceof Date) return OBJECT;
      // Records are shallow (a D7 report: record → details → messages → message → reference); deeper is not a record.
      if (depth > 8) return OBJECT;
      if (Array.isArray(value)) {
        let total = ARRAY + value.length * SLOT;
        for (const item of value as unknown[]) total += typeof item === 'object' && item !== null ? itemBytes(item, depth + 1) : valueBytes(item, depth + 1);
        return total;
      }
      let total = OBJECT;
      for (const key in value) total += FIELD + valueBytes((value as Record<string, unknown>)[key], depth + 1);
      return total;
    }
    default:
      return SLOT;
  }
}
