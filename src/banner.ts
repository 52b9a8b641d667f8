import type { Config } from './config.js';
import { providers } from './providers/registry.js';

export interface Banner {
  fields: { mode: string; providers: Record<string, string>; graphiql: string };
  text: string;
}

/** The one startup message: mode, what each provider points at, and where to go. */
export function startupBanner(config: Config, address: { host: string; port: number }): Banner {
  const host = address.host === '0.0.0.0' || address.host === '::' ? 'localhost' : address.host;
  const base = `http://${host}:${address.port}`;
  const state = (key: string) =>
    config.mode === 'sandbox' ? 'sandbox simulator' : config.providers[key]?.credentials ? 'configured' : 'NOT CONFIGURED';
  const status = Object.fromEntries(providers.map((p) => [p.key, state(p.key)]));
  const mode = config.mode === 'sandbox' ? 'SANDBOX (local simulators, not the real provider APIs)' : 'LIVE';
  const text = [
    `message-status-graph listening: mode ${mode}`,
    `providers: ${providers.map((p) => `${p.key} ${status[p.key]}`).join(', ')}`,
    `GraphiQL: ${base}/graphql`,
    `health ${base}/health, readiness ${base}/ready, metrics ${base}/metrics`,
  ].join(' | ');
  return { fields: { mode: config.mode, providers: status, graphiql: `${base}/graphql` }, text };
}
