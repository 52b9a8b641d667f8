import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { AnyProviderModule, ProviderSimulator } from '../../src/providers/provider.js';
import { providers as defaultProviders } from '../../src/providers/registry.js';
import { startSandbox, withSandboxProviders, type Sandbox, type SandboxOptions } from '../../src/sandbox/start-sandbox.js';
import { ALL_SCOPES } from './auth.js';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface Harness {
  app: App;
  /** The configuration the app was built from (sandbox providers filled in). */
  config: Config;
  sandbox: Sandbox;
  /** Each provider's simulator, by provider key. */
  simulators: Readonly<Record<string, ProviderSimulator>>;
  /** One provider's simulator by key; throws when the provider is not in this harness's list. */
  simulator(key: string): ProviderSimulator;
  /** Runs a typed operation through yoga.fetch (no network between test and server). */
  run<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<GraphQLResponse<TResult>>;
  /** Runs a raw query string. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** GET on any path of the app (e.g. /metrics, /ready). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Sends an arbitrary body, for malformed-request tests. */
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  /** Clears the simulators' request logs. */
  resetCounts(): void;
  close(): Promise<void>;
}

/**
 * The real app against both loopback simulators, with the real undici clients in between.
 * Anonymous callers get every scope here unless `env` says otherwise (security tests do).
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    simulator?: SandboxOptions;
    /** Points a provider (by key) at another server, e.g. a fault-injecting one; its sandbox credentials stay. */
    baseUrls?: Record<string, string>;
    deps?: AppDeps;
    /** The providers served, each with its simulator and its variables read from `env` (default: the real ones). A test adds a provider here. */
    providers?: readonly AnyProviderModule[];
  } = {},
): Promise<Harness> {
  const providers = options.providers ?? defaultProviders;
  const sandbox = await startSandbox(options.simulator, providers);
  const sandboxed = withSandboxProviders(loadConfig({ LOG_LEVEL: 'silent', ANONYMOUS_SCOPES: ALL_SCOPES, ...options.env }, providers), sandbox, providers);
  const config = {
    ...sandboxed,
    providers: Object.fromEntries(
      Object.entries(sandboxed.providers).map(([key, settings]) => [key, { ...settings, baseUrl: options.baseUrls?.[key] ?? settings.baseUrl }]),
    ),
  };
  const app = createApp(config, { logger: createLogger({ level: 'silent', pretty: false }), providers, ...options.deps });

  const post = (body: string, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body,
      }),
    );
  const query = async <T,>(text: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const res = await post(JSON.stringify({ query: text, variables }));
    return { status: res.status, ...((await res.json()) as { data?: T; errors?: GraphQLFormattedError[] }) };
  };

  const simulators = Object.fromEntries(Object.entries(sandbox.simulators).map(([key, running]) => [key, running.simulator]));
  const simulator = (key: string) => {
    const found = simulators[key];
    if (!found) throw new Error(`no ${key} simulator in this harness`);
    return found;
  };
  return {
    app,
    config,
    sandbox,
    simulators,
    simulator,
    run: (document, variables) => query(print(document), variables as Record<string, unknown>),
    query,
    post,
    get: (path, headers = {}) => Promise.resolve(app.yoga.fetch(`http://test.local${path}`, { headers })),
    resetCounts() {
      for (const s of Object.values(sandbox.simulators)) s.simulator.reset();
    },
    async close() {
      await app.close();
      await sandbox.close();
    },
  };
}
