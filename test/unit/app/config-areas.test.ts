import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { providers } from '../../../src/providers/registry.js';

// Each area (src/config.ts collects them) parses its own variables and checks what lies between
// them; one ConfigError reports every area's problems, a value that failed elsewhere hiding none.
const ONE_PROBLEM_PER_AREA: [area: string, env: Record<string, string>, problem: RegExp][] = [
  ['the process', { PORT: 'abc' }, /^PORT: /],
  ['the HTTP server', { HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }, /^HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS$/],
  ['the lookup path', { MAX_BATCH_SIZE: '0' }, /^MAX_BATCH_SIZE: /],
  ['what every provider is handed', { UPSTREAM_CONNECTIONS: '0' }, /^UPSTREAM_CONNECTIONS: /],
  ['subscriptions', { WATCHER_POLL_MIN_MS: '5000', WATCHER_POLL_MAX_MS: '1000' }, /^WATCHER_POLL_MIN_MS: must not exceed WATCHER_POLL_MAX_MS$/],
  ['graphql-ws', { WS_IDLE_TIMEOUT_MS: '1' }, /^WS_IDLE_TIMEOUT_MS: /],
  ['persisted documents', { PERSISTED_DOCUMENTS: 'require' }, /^PERSISTED_DOCUMENTS: "require" needs live mode/],
  ['tracing', { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector.test' }, /^OTEL_EXPORTER_OTLP_ENDPOINT: /],
  ['security', { JWT_JWKS_URL: 'https://idp.test/jwks' }, /^JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE go together/],
  ['the Redis tier', { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_LOCK_TTL_MS: '1000', REDIS_LOCK_WAIT_MS: '2000' }, /^REDIS_LOCK_WAIT_MS: must not exceed REDIS_LOCK_TTL_MS/],
  ['webhooks', { D7_WEBHOOK_TOKEN: 'too-short' }, /^D7_WEBHOOK_TOKEN: /],
  ['a provider', { BETATEL_API_KEY: 'bt-key-long-enough' }, /^BETATEL_ACCOUNT_ID: required when BETATEL_API_KEY is set$/],
];

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, providers);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: every area reports its own problems', () => {
  it.each(ONE_PROBLEM_PER_AREA)('%s, alone', (_area, env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringMatching(problem)]);
  });

  it('a problem from every area, together in one ConfigError', () => {
    const problems = problemsOf(Object.assign({}, ...ONE_PROBLEM_PER_AREA.map(([, env]) => env)) as Record<string, string>);
    expect(problems).toHaveLength(ONE_PROBLEM_PER_AREA.length);
    for (const [area, , problem] of ONE_PROBLEM_PER_AREA) expect(problems, area).toContainEqual(expect.stringMatching(problem));
  });
});
