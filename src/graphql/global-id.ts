/**
 * Opaque global ids: base64 of "<TypeName>:<providerMessageId>", the Relay
 * convention, so common tooling can decode them.
 */
export function encodeGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64');
}

export function decodeGlobalId(globalId: string): { typeName: string; id: string } | undefined {
  if (globalId.length === 0 || globalId.length > 512 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(globalId)) return undefined;
  const text = Buffer.from(globalId, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { typeName: text.slice(0, colon), id: text.slice(colon + 1) };
}
