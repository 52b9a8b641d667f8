import { ROUTES, webhookPath } from './http/routes.js';
import type { Config } from './config.js';
import type { AnyProviderModule } from './providers/provider.js';

export interface Banner {
  fields: {
    mode: string;
    providers: Record<string, string>;
    /** GraphiQL's URL, or `off`. */
    graphiql: string;
    /** By provider key: the webhook endpoint's URL, or `off` (no token set). */
    webhooks: Record<string, string>;
    /** `off`, or where Redis is (scheme, host and port: never its user or password). */
    redis: string;
    auth: string;
  };
  text: string;
}

/** REDIS_URL without its credentials, path or query: enough to tell which Redis, nothing secret. */
function redisWhere(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'on';
  }
}

/** Who may call, in a few words (accessSummary, logged next, gives the details). */
function authMode(security: Config['security']): string {
  const ways = [
    ...(security.apiKeys.length > 0 ? [`API keys (${security.apiKeys.length})`] : []),
    ...(security.jwt ? ['JWT'] : []),
    ...(security.anonymousScopes ? [`anonymous (${[...security.anonymousScopes].join(' ')})`] : []),
  ];
  return ways.length > 0 ? ways.join(' + ') : 'nobody (no API_KEYS, JWT or anonymous access)';
}

/**
 * The one startup message: mode, what each provider served points at, and what is on: GraphiQL,
 * each webhook endpoint, Redis, authentication. Sandbox webhook tokens are printed (they are public,
 * in the source); a token set in the environment never is: the URL names its variable instead.
 */
export function startupBanner(config: Config, address: { host: string; port: number }, providers: readonly AnyProviderModule[]): Banner {
  const host = address.host === '0.0.0.0' || address.host === '::' ? 'localhost' : address.host.includes(':') ? `[${address.host}]` : address.host;
  const base = `http://${host}:${address.port}`;
  const sandbox = config.mode === 'sandbox';
  const state = (key: string) => (sandbox ? 'sandbox simulator' : config.providers[key]?.credentials ? 'configured' : 'NOT CONFIGURED');
  const status = Object.fromEntries(providers.map((p) => [p.key, state(p.key)]));
  const graphiql = config.security.graphiql ? `${base}${ROUTES.graphql}` : 'off';
  const webhooks = Object.fromEntries(
    providers.flatMap((p) => {
      if (!p.webhook) return [];
      const token = config.webhooks.tokens[p.key];
      if (!token) return [[p.key, 'off']];
      const shown = sandbox && token === p.webhook.sandboxToken ? token : `<${p.webhook.tokenVariable}>`;
      return [[p.key, `${base}${webhookPath(p.key, shown)}`]];
    }),
  );
  const redis = config.sharedState ? redisWhere(config.sharedState.url) : 'off';
  const auth = authMode(config.security);
  const mode = sandbox ? 'SANDBOX (local simulators, not the real provider APIs)' : 'LIVE';
  const text = [
    `message-status-graph listening: mode ${mode}`,
    `providers: ${providers.map((p) => `${p.key} ${status[p.key]}`).join(', ')}`,
    graphiql === 'off' ? 'GraphiQL: off (GRAPHIQL=true turns it on)' : `GraphiQL: ${graphiql}`,
    `webhooks: ${Object.entries(webhooks).map(([key, url]) => `${key} ${url}`).join(', ') || 'none'}`,
    `Redis: ${redis}`,
    `auth: ${auth}`,
    `health ${base}${ROUTES.health}, readiness ${base}${ROUTES.ready}, metrics ${base}${ROUTES.metrics}`,
  ].join(' | ');
  return { fields: { mode: config.mode, providers: status, graphiql, webhooks, redis, auth }, text };
}
