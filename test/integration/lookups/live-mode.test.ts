import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { FULL_ACCESS_ENV, FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { providers } from '../../../src/providers/registry.js';

/**
 * Live mode exactly as an operator runs it: credentials and base URLs from
 * the environment, pointed at servers that speak the documented formats.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function liveApp(env: Record<string, string>): App {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    D7_BASE_URL: sandbox.simulators.D7!.url,
    BETATEL_BASE_URL: sandbox.simulators.BETATEL!.url,
    ...FULL_ACCESS_ENV,
    ...env,
  }, providers);
  expect(config.mode).toBe('live');
  return createApp(config, { logger: createLogger({ level: 'silent', pretty: false }) });
}

async function ask(app: App, query: string) {
  const res = await app.yoga.fetch('http://test.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': FULL_ACCESS_KEY },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data: Record<string, Record<string, unknown> | null>; errors?: unknown[] };
}

describe('live mode', () => {
  it('returns both documented examples with every field mapped, using the configured credentials', async () => {
    const app = liveApp({ D7_API_TOKEN: 'sandbox-d7-token', BETATEL_API_KEY: 'sandbox-betatel-key', BETATEL_ACCOUNT_ID: 'sandbox-account' });
    try {
      const body = await ask(
        app,
        `{ d7Report(requestId: "${D7_SANDBOX.example}") { requestId state messages { msgId whatsappConversationId reference { customerRef } } }
           betatelWdr(uuid: "${BETATEL_SANDBOX.example}") { uuid whatsappMessageId to text deliveryTimeMs state } }`,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.d7Report).toEqual({
        requestId: D7_SANDBOX.example,
        state: 'READ',
        messages: [{ msgId: '6d29d646-4e09-11ee-84f4-0242ac190006', whatsappConversationId: 'db311b5709a13ac72c1bd9f293c68625', reference: { customerRef: 'customerRef' } }],
      });
      expect(body.data.betatelWdr).toEqual({
        uuid: BETATEL_SANDBOX.example,
        whatsappMessageId: 'wamid.HBgLMzg3NjE0NDQ1NTUVAgARGBI',
        to: '38761444555',
        text: '482910',
        deliveryTimeMs: 2143,
        state: 'DELIVERED',
      });
    } finally {
      await app.close();
    }
  });

  it('reports wrong credentials as UNAUTHORIZED without echoing them', async () => {
    const token = 'wrong-token-SENTINEL-7f3a';
    const app = liveApp({ D7_API_TOKEN: token });
    try {
      const body = await ask(app, `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename ... on ProviderError { code message } } }`);
      expect(body.data.messageStatus).toMatchObject({ __typename: 'ProviderError', code: 'UNAUTHORIZED' });
      expect(JSON.stringify(body)).not.toContain(token);
      // Betatel has no credentials in this configuration.
      const bt = await ask(app, `{ messageStatus(provider: BETATEL, id: "${BETATEL_SANDBOX.example}") { ... on ProviderError { code } } }`);
      expect(bt.data.messageStatus).toEqual({ code: 'NOT_CONFIGURED' });
    } finally {
      await app.close();
    }
  });
});
