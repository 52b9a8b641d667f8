import type { Config } from '../config.js';
import type { SimulatorOptions } from '../providers/provider.js';
import { providers } from '../providers/registry.js';
import { serveSimulator, type RunningSimulator } from './serve.js';

export interface Sandbox {
  /** By provider key. */
  simulators: Record<string, RunningSimulator>;
  close(): Promise<void>;
}

/** Starts one loopback simulator per provider. */
export async function startSandbox(options: SimulatorOptions = {}): Promise<Sandbox> {
  const running = await Promise.all(providers.map((p) => serveSimulator(p.sandbox.createSimulator(options))));
  const simulators = Object.fromEntries(providers.map((p, i) => [p.key, running[i]!]));
  return { simulators, close: async () => void (await Promise.all(running.map((r) => r.close()))) };
}

/** The configuration with every provider pointed at its simulator, with the simulator's credentials. */
export function withSandboxProviders(config: Config, sandbox: Sandbox): Config {
  const settings = Object.fromEntries(
    providers.map((p) => [p.key, { baseUrl: sandbox.simulators[p.key]!.url, credentials: p.sandbox.credentials as unknown }]),
  );
  return { ...config, providers: settings };
}
