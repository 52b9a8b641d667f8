import { webhookPath } from '../http/routes.js';
import type { Config } from '../config.js';
import type { AnyProviderModule, SimulatorOptions, SimulatorWebhookOptions } from '../providers/provider.js';
import { providers as defaultProviders } from '../providers/registry.js';
import { serveSimulator, type RunningSimulator } from './serve.js';

export interface Sandbox {
  /** By provider key. */
  simulators: Record<string, RunningSimulator>;
  /** The tokens the simulators post webhooks with, by provider key (empty: they post none). */
  webhookTokens: Readonly<Record<string, string>>;
  /** Where the service listens (its origin, e.g. http://127.0.0.1:4000): the simulators start posting webhooks there. */
  postWebhooksTo(origin: string): void;
  close(): Promise<void>;
}

export interface SandboxOptions extends Omit<SimulatorOptions, 'webhooks'> {
  /** Sandbox webhooks: the simulators POST to `/webhooks/{provider}/{token}` of the service as records advance. Off when absent. */
  webhooks?: Omit<SimulatorWebhookOptions, 'url'> & {
    /** By provider key; see sandboxWebhookTokens. */
    tokens: Readonly<Record<string, string>>;
  };
}

/** Starts one loopback simulator per provider (default: the real ones). */
export async function startSandbox(options: SandboxOptions = {}, providers: readonly AnyProviderModule[] = defaultProviders): Promise<Sandbox> {
  const { webhooks, ...simulatorOptions } = options;
  let origin: string | undefined;
  const webhookOptions = (key: string): SimulatorWebhookOptions | undefined => {
    const token = webhooks?.tokens[key];
    if (!webhooks || !token) return undefined;
    const path = webhookPath(key, token);
    return { tickMs: webhooks.tickMs, maxTracked: webhooks.maxTracked, url: () => origin && `${origin}${path}` };
  };
  const running = await Promise.all(providers.map((p) => serveSimulator(p.sandbox.createSimulator({ ...simulatorOptions, webhooks: webhookOptions(p.key) }))));
  const simulators = Object.fromEntries(providers.map((p, i) => [p.key, running[i]!]));
  return {
    simulators,
    webhookTokens: { ...webhooks?.tokens },
    postWebhooksTo(to) {
      origin = to;
    },
    close: async () => void (await Promise.all(running.map((r) => r.close()))),
  };
}

/** Webhook tokens of sandbox mode, by provider key: the configured one, else the provider's public sandbox token. */
export function sandboxWebhookTokens(config: Config, providers: readonly AnyProviderModule[] = defaultProviders): Record<string, string> {
  return Object.fromEntries(providers.flatMap((p) => (p.webhook ? [[p.key, config.webhooks.tokens[p.key] ?? p.webhook.sandboxToken]] : [])));
}

/** The origin a simulator on this machine reaches the service at, when it listens on `host`. */
export function loopbackOrigin(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const name = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * The configuration with every provider pointed at its simulator, with the simulator's
 * credentials, and the webhook endpoints open with the tokens the simulators post with.
 */
export function withSandboxProviders(
  config: Config,
  sandbox: Pick<Sandbox, 'simulators'> & Partial<Pick<Sandbox, 'webhookTokens'>>,
  providers: readonly AnyProviderModule[] = defaultProviders,
): Config {
  const settings = Object.fromEntries(
    providers.map((p) => [p.key, { baseUrl: sandbox.simulators[p.key]!.url, credentials: p.sandbox.credentials as unknown }]),
  );
  return { ...config, providers: settings, webhooks: { ...config.webhooks, tokens: { ...config.webhooks.tokens, ...sandbox.webhookTokens } } };
}
