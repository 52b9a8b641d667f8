import { int, type AreaSettings, type EnvValues } from '../env-values.js';

/** Variables of the graphql-ws transport (collected by src/config.ts). */
export const graphqlWsEnv = {
  // A browser tab or a router needs a few; 20 leaves room for tabs and reconnects, not for hoarding.
  MAX_WS_SOCKETS_PER_CLIENT: int(1, 100_000).default(20),
  // Lazy graphql-ws clients close a socket once its last subscription ends; a socket kept without
  // one only holds a connection slot, with the server's pings keeping it alive.
  WS_IDLE_TIMEOUT_MS: int(100, 86_400_000).default(60_000),
};

export interface GraphQLWsSettings {
  /** Sockets one caller (key name, JWT subject, anonymous address) may hold after connection_init; more are closed with 4429. */
  maxSocketsPerClient: number;
  /** A socket with no open subscription this long is closed with 4408. */
  idleTimeoutMs: number;
}

/** From the parsed variables; no two of them conflict. */
export function graphqlWsSettings(values: EnvValues<typeof graphqlWsEnv>): AreaSettings<GraphQLWsSettings> {
  return { settings: { maxSocketsPerClient: values.MAX_WS_SOCKETS_PER_CLIENT, idleTimeoutMs: values.WS_IDLE_TIMEOUT_MS }, problems: [] };
}
