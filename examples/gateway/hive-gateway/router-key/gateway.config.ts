// Hive Gateway (`hive-gateway supergraph` run in this folder) authenticating to message-status
// with a key of its own: every user sees what that key's scopes allow. Give the gateway its own
// entry in the service's API_KEYS (e.g. `router:<key>:status:read`) and the same key in
// MESSAGE_STATUS_API_KEY in the gateway's environment. Queries, `_entities` and subscriptions
// (SSE, a GET) all carry the key, and nothing else is needed.
import type { GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';

export const gatewayConfig: GatewayConfigSupergraph = {
  supergraph: './supergraph.graphql',
  transportEntries: {
    'message-status': {
      headers: [['x-api-key', '{env.MESSAGE_STATUS_API_KEY}']],
    },
  },
};
