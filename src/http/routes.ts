/**
 * Every path the service answers, declared once. The plugins that serve them, the 404 text, the
 * banner and the sandbox's webhook URLs read them from here; docs/api.md lists them
 * (test/integration/operations/routes.test.ts asks each one).
 */
export const ROUTES = {
  /** GraphQL over POST, GET, SSE and graphql-ws; GraphiQL in a browser. */
  graphql: '/graphql',
  /** Liveness: 200 while the process serves (yoga's health check). */
  health: '/health',
  /** Readiness: 200 once listening, 503 while starting or stopping. */
  ready: '/ready',
  /** Prometheus metrics. */
  metrics: '/metrics',
  /** Provider callbacks: `/webhooks/{provider key in lower case}/{token}`. */
  webhooks: '/webhooks/',
} as const;

/** The webhook path of one provider with its token. */
export function webhookPath(providerKey: string, token: string): string {
  return `${ROUTES.webhooks}${providerKey.toLowerCase()}/${token}`;
}

/** The provider key segment and token of a webhook path, or undefined when the path has another shape. */
export function webhookRoute(pathname: string): { provider: string; token: string } | undefined {
  if (!pathname.startsWith(ROUTES.webhooks)) return undefined;
  const rest = pathname.slice(ROUTES.webhooks.length);
  const slash = rest.indexOf('/');
  if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) return undefined;
  return { provider: rest.slice(0, slash), token: rest.slice(slash + 1) };
}
