// Hive Gateway (`hive-gateway supergraph` run in this folder) forwarding each user's token to
// message-status: each user sees what their own token's scopes allow. Configure JWT on the
// service with the issuer and audience of the users' tokens (JWT_JWKS_URL, JWT_ISSUER,
// JWT_AUDIENCE). Queries, `_entities` and subscriptions (SSE, a GET) all carry the token.
import type { GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';

export const gatewayConfig: GatewayConfigSupergraph = {
  supergraph: './supergraph.graphql',
  propagateHeaders: {
    // To message-status only: the token is meant for it (its audience). A caller without a token
    // gets no header at all (a null value is not sent), so the service sees an anonymous caller:
    // served with ANONYMOUS_SCOPES when ALLOW_ANONYMOUS is on, else refused as unauthenticated.
    fromClientToSubgraphs: ({ request, subgraphName }) =>
      subgraphName === 'message-status' ? { authorization: request.headers.get('authorization') } : undefined,
  },
};
