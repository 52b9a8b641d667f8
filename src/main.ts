import { createServer } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { providers } from './providers/registry.js';
import { startSandbox, withSandboxProviders, type Sandbox } from './sandbox/start-sandbox.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

let config = configOrExit();
const logger = createLogger({ level: config.logLevel, secrets: config.secrets });

let sandbox: Sandbox | undefined;
if (config.mode === 'sandbox') {
  sandbox = await startSandbox();
  config = withSandboxProviders(config, sandbox);
  const urls = Object.fromEntries(Object.entries(sandbox.simulators).map(([key, s]) => [key, s.url]));
  logger.warn({ simulators: urls }, 'SANDBOX MODE: answering from local simulators of every provider, not the real APIs (set provider credentials for live mode)');
} else {
  const configured = providers.filter((p) => config.providers[p.key]?.credentials).map((p) => p.key);
  const missing = providers.filter((p) => !config.providers[p.key]?.credentials).map((p) => p.key);
  logger.info({ configured, notConfigured: missing }, 'live mode');
}

const app = createApp(config, { logger });
const server = createServer(app.yoga);
server.listen(config.port, config.host, () => {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(`GraphQL and GraphiQL at http://${host}:${config.port}/graphql (mode: ${config.mode})`);
});

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await app.close();
  await sandbox?.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
