/**
 * S, this service as users run it: loadConfig defaults (cache on, default TTLs, retry, breaker,
 * 100 lookups at once per request), live mode against the mock. Only the upstream budget
 * (`sockets`: UPSTREAM_CONNECTIONS, and the concurrency limit pinned there with
 * UPSTREAM_CONCURRENCY_MIN = _MAX) is set when given, to the value B0 and N get, so all three
 * have the same number of upstream calls in flight: S with its caps raised. Without it (variant
 * Sd), S runs its defaults: an adaptive limit of 4–256 per provider, 264 sockets. Callers
 * authenticate with API keys (bench/credentials.ts), as live mode requires.
 */
import { createServer } from 'node:http';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { BENCH_API_KEYS } from '../credentials.js';
import { serveOnLoopback, type Running } from './serve.js';
import type { Upstream } from './common.js';
import { providers } from '../../src/providers/registry.js';

export async function startService(up: Upstream, options: { port?: number; sockets?: number; env?: Record<string, string> } = {}): Promise<Running> {
  const config = loadConfig({
    PROVIDER_MODE: 'live',
    D7_API_TOKEN: up.d7Token,
    D7_BASE_URL: up.url,
    BETATEL_API_KEY: up.betatelKey,
    BETATEL_ACCOUNT_ID: up.betatelAccount,
    BETATEL_BASE_URL: up.url,
    LOG_LEVEL: 'silent',
    API_KEYS: BENCH_API_KEYS,
    // The load generator is one client: a per-client rate limit would measure the limit itself.
    RATE_LIMIT_PER_MINUTE: '0',
    ...(options.sockets
      ? { UPSTREAM_CONNECTIONS: String(options.sockets), UPSTREAM_CONCURRENCY_MIN: String(options.sockets), UPSTREAM_CONCURRENCY_MAX: String(options.sockets) }
      : {}),
    ...options.env,
  }, providers);
  const app = createApp(config);
  const server = createServer(app.yoga);
  return serveOnLoopback(server, options.port, () => app.close());
}
