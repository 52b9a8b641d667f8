// Any UUID version: D7's examples look like v4 (request_id) and v1 (msg_id).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Canonical form (lower case) of a D7 UUID, request_id or msg_id; undefined when it is not one. */
export function parseD7Uuid(raw: string): string | undefined {
  return UUID.test(raw) ? raw.toLowerCase() : undefined;
}
