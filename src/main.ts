import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { startupBanner } from './banner.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { applyServerLimits, httpServerOptions } from './http/server-options.js';
import { attachGraphQLWs } from './subscriptions/graphql-ws.js';
import { createLogger } from './logger.js';
import { listen } from './listen.js';
import { installProcessGuards } from './process-guards.js';
import { providers } from './providers/registry.js';
import { loopbackOrigin, sandboxWebhookTokens, startSandbox, withSandboxProviders, type Sandbox } from './sandbox/start-sandbox.js';
import { accessSummary } from './security/summary.js';
import { createShutdown } from './shutdown.js';

function configOrExit(): Config {
  try {
    return loadConfig(process.env, providers);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

let config = configOrExit();
const logger = createLogger({
  level: config.logLevel,
  secrets: config.secrets,
  ...(config.logFormat && { pretty: config.logFormat === 'pretty' }),
});

let sandbox: Sandbox | undefined;
if (config.mode === 'sandbox') {
  sandbox = await startSandbox({ slowMs: config.sandboxSlowMs, webhooks: { tokens: sandboxWebhookTokens(config, providers) } }, providers);
  config = withSandboxProviders(config, sandbox, providers);
}

// The OpenTelemetry SDK and exporter load only when tracing is configured.
const tracerProvider = config.tracing.otlpEndpoint ? (await import('./observability/tracing.js')).createOtlpTracerProvider(config.tracing) : undefined;
const app = createApp(config, { logger, tracerProvider, providers });
installProcessGuards(logger, () => app.metrics.unhandledRejection());
// Timeouts and a connection cap, so slow or silent clients cannot hold sockets (docs/configuration.md).
const server = createServer(httpServerOptions(config.server), app.yoga);
applyServerLimits(server, config.server);
// Bound before anything is announced: a port in use, a privileged port or a bad HOST ends the
// process with one line and exit 1, before any banner could suggest it is serving.
try {
  await listen(server, config.port, config.host);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
// graphql-ws on the same port and path, for routers that speak only WebSocket (docs/subscriptions-and-webhooks.md).
const graphqlWs = attachGraphQLWs(server, {
  yoga: app.yoga,
  schema: app.schema,
  maxPayloadBytes: config.security.maxBodyBytes,
  callerOf: app.callerOf,
  limits: config.graphqlWs,
  allowedOrigins: config.security.corsOrigins,
  metrics: app.metrics,
});

const shutdown = createShutdown({
  server,
  readiness: app.readiness,
  graceMs: config.shutdownGraceMs,
  logger,
  endStreams: async () => {
    await app.live.endAll();
    await graphqlWs.close();
  },
  closeResources: async () => {
    await app.close();
    await tracerProvider?.shutdown();
    await sandbox?.close();
  },
});
const onSignal = (signal: string) =>
  void shutdown(signal).then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));

app.readiness.markReady();
const { port } = server.address() as AddressInfo;
if (sandbox) {
  sandbox.postWebhooksTo(loopbackOrigin(config.host, port));
  const urls = Object.fromEntries(Object.entries(sandbox.simulators).map(([key, s]) => [key, s.url]));
  logger.warn({ simulators: urls }, 'SANDBOX MODE: answering from local simulators of every provider, not the real APIs (set provider credentials for live mode)');
}
const banner = startupBanner(config, { host: config.host, port }, providers);
logger.info(banner.fields, banner.text);
const access = accessSummary(config.security);
logger[access.level](access.fields, access.text);
