import { afterAll, beforeAll, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('serves GraphiQL with the example operations preloaded as tabs, using documented sandbox ids', async () => {
  const res = await h.app.yoga.fetch('http://test.local/graphql', { headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  const html = await res.text();
  for (const name of ['query MessageStatuses', 'query MessageStatus(', 'query D7Report', 'query BetatelWdr', 'query Node', 'subscription MessageStatusChanged']) {
    expect(html).toContain(name);
  }
  expect(html).toContain(D7_SANDBOX.example);
  expect(html).toContain(BETATEL_SANDBOX.example);
});

it('gives the subscription tab ids that move: a subscription with its variables starts at PENDING', async () => {
  const html = await (await h.app.yoga.fetch('http://test.local/graphql', { headers: { accept: 'text/html' } })).text();
  const ulid = /BETATEL[^0-9A-Z]+id[^0-9A-Z]+([0-9A-HJKMNP-TV-Z]{26})/.exec(html.slice(html.indexOf('subscription MessageStatusChanged')))?.[1];
  expect(ulid).toBeDefined();
  const answer = await h.query<{ messageStatus: { state: string } }>(`{ messageStatus(provider: BETATEL, id: "${ulid}") { ... on MessageStatus { state } } }`);
  expect(answer.data?.messageStatus.state).toBe('PENDING');
});
