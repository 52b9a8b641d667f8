import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The Apollo Router configurations of examples/gateway/apollo-router/, by file name. */
export const ROUTER_YAML = {
  routerKey: new URL('../../examples/gateway/apollo-router/router-key.yaml', import.meta.url),
  forwardToken: new URL('../../examples/gateway/apollo-router/forward-token.yaml', import.meta.url),
};

type Rule = { insert?: { name: string; value: string }; propagate?: { named: string } };
interface RouterYaml {
  headers?: { subgraphs?: Record<string, { request?: Rule[] }> };
  subscription?: { enabled?: boolean; mode?: { passthrough?: { subgraphs?: Record<string, { path?: string; protocol?: string }> } } };
}

export interface RouterExample {
  /** The headers the router sends to `subgraph` for a client request with `client` headers. */
  headersFor(subgraph: string, client: Headers): Headers;
  /** The passthrough subscription settings for `subgraph`. */
  subscription(subgraph: string): { path?: string; protocol?: string } | undefined;
}

/**
 * Reads an example router.yaml as Apollo Router reads the parts these examples use: `insert`
 * (with `${env.NAME}` expanded from the environment, as the router does) and `propagate` by name
 * (nothing when the client sent no such header). Any other rule is refused, so an example that
 * grows one fails here rather than being half applied.
 */
export function loadRouterExample(file: URL): RouterExample {
  const config = parse(readFileSync(file, 'utf8')) as RouterYaml;
  return {
    headersFor(subgraph, client) {
      const out = new Headers();
      for (const rule of config.headers?.subgraphs?.[subgraph]?.request ?? []) {
        if (rule.insert && Object.keys(rule).length === 1) {
          out.set(rule.insert.name, rule.insert.value.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => process.env[name] ?? ''));
        } else if (rule.propagate?.named && Object.keys(rule).length === 1 && Object.keys(rule.propagate).length === 1) {
          const value = client.get(rule.propagate.named);
          if (value !== null) out.set(rule.propagate.named, value);
        } else {
          throw new Error(`${file.pathname}: a header rule this test does not apply: ${JSON.stringify(rule)}`);
        }
      }
      return out;
    },
    subscription(subgraph) {
      return config.subscription?.enabled ? config.subscription.mode?.passthrough?.subgraphs?.[subgraph] : undefined;
    },
  };
}
