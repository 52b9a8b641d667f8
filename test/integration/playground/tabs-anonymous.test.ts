import { afterAll, beforeAll, expect, it } from 'vitest';
import { exampleTabs } from '../../../src/playground/examples.js';
import { providers } from '../../../src/providers/registry.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';

/**
 * An anonymous first look at the sandbox (its default scopes: status:read) runs every GraphiQL
 * tab without an error. Before issue 21 the BetatelWdr tab selected `text`, which needs
 * content:read: FORBIDDEN beside the data.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ANONYMOUS_SCOPES: 'status:read' } });
});
afterAll(async () => {
  await h.app.live.endAll();
  await h.close();
});

it('every query tab answers an anonymous sandbox caller without errors, and says how to read the scoped field', async () => {
  const tabs = exampleTabs(providers, h.config.security.anonymousScopes);
  const queries = tabs.filter((t) => !t.query.includes('subscription '));
  expect(queries.length).toBeGreaterThanOrEqual(5);
  for (const tab of queries) {
    const res = await h.query(tab.query, JSON.parse(tab.variables) as Record<string, unknown>);
    expect(res.errors, tab.query.split('\n').find((l) => l.startsWith('query'))).toBeUndefined();
  }
  const wdr = tabs.find((t) => t.query.includes('query BetatelWdr'))!.query;
  expect(wdr).toMatch(/^\s+# text {2}\(needs the content:read scope: send an API key that has it, then uncomment\)$/m);
  expect(wdr).not.toMatch(/^\s+text$/m);
});

it('the subscription tab answers its first events without errors', async () => {
  const tab = exampleTabs(providers, h.config.security.anonymousScopes).find((t) => t.query.includes('subscription '))!;
  const variables = JSON.parse(tab.variables) as { refs: unknown[] };
  const stream = subscribeSse(h, variables, {}, tab.query);
  const first = await stream.waitFor(variables.refs.length);
  for (const result of first) expect(result.errors).toBeUndefined();
  await stream.close();
});

it('with content:read for anonymous callers (or no anonymous access) the tabs are the operations as written', () => {
  for (const scopes of [new Set(['status:read', 'content:read']), undefined]) {
    expect(exampleTabs(providers, scopes).find((t) => t.query.includes('query BetatelWdr'))!.query).toMatch(/^\s+text$/m);
  }
});
