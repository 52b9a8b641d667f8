import { afterAll, beforeAll, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const page = async () => (await h.app.yoga.fetch('http://test.local/graphql', { headers: { accept: 'text/html' } })).text();

it('serves a GraphiQL page that loads nothing from elsewhere: scripts, styles and workers are inline', async () => {
  const html = await page();
  expect(html).not.toMatch(/<script[^>]+src=/i);
  expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
  expect(html).not.toContain('unpkg.com');
  expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
  expect(html).toContain('monaco');
  // The same page for the same options, rendered once.
  expect(await page()).toBe(html);
});

it('opens with the auth header hint and the first tab variables, so Run works at once', async () => {
  const html = await page();
  const options = JSON.parse(/renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{.*\}),\s*\);/s.exec(html)![1]!) as {
    headers: string;
    defaultHeaders: string;
    variables: string;
    defaultTabs: { query: string; variables: string; headers: string }[];
  };
  expect(options.headers).toContain('// "authorization": "Bearer <token>"');
  expect(options.defaultHeaders).toBe(options.headers);
  expect(options.defaultTabs.every((t) => t.headers === options.headers)).toBe(true);
  expect(options.defaultTabs[0]!.query).toMatch(/query MessageStatuses\(/);
  expect(options.variables).toBe(options.defaultTabs[0]!.variables);
  expect(JSON.parse(options.variables).refs[0]).toEqual({ provider: 'D7', id: D7_SANDBOX.example });
});
