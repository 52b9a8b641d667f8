import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, webhookPath, webhookRoute } from '../../../src/http/routes.js';
import { section } from '../../helpers/docs.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { D7_TOKEN, postWebhook, WEBHOOK_ENV } from '../../helpers/webhooks.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: WEBHOOK_ENV });
  h.app.readiness.markReady();
});
afterAll(() => h.close());

describe('the routes (src/http/routes.ts)', () => {
  it('are the paths docs/operations.md lists, and the webhook paths it names', () => {
    const endpoints = section('docs/operations.md', '## Endpoints');
    const listed = [...endpoints.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    const { webhooks, ...paths } = ROUTES;
    expect(listed).toEqual(Object.values(paths));
    expect(endpoints).toContain(`POST ${webhooks}{d7,betatel}/{token}`);
  });

  it('each answers; any other path is a 404 that names them', async () => {
    expect((await h.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect((await h.get(ROUTES.health)).status).toBe(200);
    expect(await (await h.get(ROUTES.ready)).json()).toEqual({ ready: true, state: 'ready' });
    expect(await (await h.get(ROUTES.metrics)).text()).toContain('# TYPE');
    const webhook = await postWebhook(h, webhookPath('D7', D7_TOKEN), {});
    expect(webhook.status).toBe(400);

    const other = await h.get('/graphql/extra');
    expect(other.status).toBe(404);
    const { errors } = (await other.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors[0]!.extensions.code).toBe('NOT_FOUND');
    for (const path of [ROUTES.graphql, ROUTES.health, ROUTES.ready, ROUTES.metrics]) expect(errors[0]!.message).toContain(path);
  });

  it('reads a webhook path as provider and token, and nothing else', () => {
    expect(webhookRoute(webhookPath('BETATEL', 'tok'))).toEqual({ provider: 'betatel', token: 'tok' });
    expect(webhookRoute('/webhooks/d7')).toBeUndefined();
    expect(webhookRoute('/webhooks/d7/a/b')).toBeUndefined();
    expect(webhookRoute('/graphql')).toBeUndefined();
    expect(webhookRoute('/webhooks//')).toEqual({ provider: '', token: '' });
  });
});
