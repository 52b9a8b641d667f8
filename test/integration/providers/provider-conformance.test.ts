import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BETATEL_DOCS_EXAMPLE, BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { betatel } from '../../../src/providers/betatel/index.js';
import { STATUS_TABLE as BETATEL_STATUSES } from '../../../src/providers/betatel/normalize.js';
import { D7_DOCS_EXAMPLE, D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { d7 } from '../../../src/providers/d7/index.js';
import { STATUS_TABLE as D7_STATUSES } from '../../../src/providers/d7/normalize.js';
import { providers as shipped } from '../../../src/providers/registry.js';
import type { ErrorScenario } from '../../../src/sandbox/scenarios.js';
import { readDoc, section } from '../../helpers/docs.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';
import { appliedCount, d7Event, postWebhook, until } from '../../helpers/webhooks.js';
import { acmeCase } from '../../providers/acme/conformance.js';
import type { ConformanceCase } from '../../providers/conformance-case.js';
import { configVariables, loadConfig } from '../../../src/config.js';

// Every provider answers the same contract through the real app and its loopback simulator.
// The third case exists only under test/providers/acme/: it is registered by its line below, nothing else.
const cases: ConformanceCase[] = [
  {
    module: d7,
    rootField: 'd7Report',
    keyField: 'requestId',
    found: { id: D7_SANDBOX.example, state: 'READ' },
    statuses: new Map(D7_STATUSES),
    states: { READ: D7_SANDBOX.example, UNKNOWN: D7_SANDBOX.mixed },
    invalidId: 'not-a-uuid',
    scenarios: D7_SANDBOX,
    webhookBody: () => d7Event(D7_SANDBOX.example, D7_DOCS_EXAMPLE.messages[0]!.msg_id, 'delivered', Date.now()),
    olderWebhookBody: () => d7Event(D7_SANDBOX.example, D7_DOCS_EXAMPLE.messages[0]!.msg_id, 'sent', Date.now()),
  },
  {
    module: betatel,
    rootField: 'betatelWdr',
    keyField: 'uuid',
    found: { id: BETATEL_SANDBOX.example, state: 'DELIVERED' },
    statuses: new Map(BETATEL_STATUSES),
    states: { DELIVERED: BETATEL_SANDBOX.example, UNKNOWN: BETATEL_SANDBOX.unknownStatus },
    invalidId: 'not-a-ulid',
    scenarios: BETATEL_SANDBOX,
    webhookBody: () => BETATEL_DOCS_EXAMPLE,
    olderWebhookBody: () => ({ ...BETATEL_DOCS_EXAMPLE, status: 'SENT', delivery_timestamp: null, delivery_time: null }),
  },
  acmeCase,
];

const EXPECTED: Record<Exclude<ErrorScenario, 'notFound'>, string> = {
  unauthorized: 'UNAUTHORIZED',
  slow: 'TIMEOUT',
  rateLimited: 'RATE_LIMITED',
  serverError: 'UNAVAILABLE',
  malformedJson: 'BAD_RESPONSE',
  wrongShape: 'BAD_RESPONSE',
};

const LOOKUP = /* GraphQL */ `
  query ($provider: Provider!, $id: String!) {
    messageStatus(provider: $provider, id: $id, maxAge: 0) {
      __typename
      ... on MessageStatus { id provider providerMessageId state isFinal }
      ... on LookupError { provider providerMessageId }
      ... on ProviderError { code }
    }
  }
`;

/** Ids no provider may send upstream: paths, encodings, query and fragment marks, spaces, unicode and null bytes around a valid id, and on their own. */
const hostile = (valid: string) => [
  `../${valid}`,
  `${valid}/../../admin`,
  `${valid.slice(0, 8)}%2F${valid.slice(8)}`,
  `${valid}%2F..`,
  `${valid}?x=1`,
  `${valid}#frag`,
  ` ${valid}`,
  `${valid} `,
  `${valid.slice(0, 10)} ${valid.slice(11)}`,
  `${valid.slice(0, -1)}é`,
  `${valid.slice(0, -1)}\u0661`,
  `${valid}\u0000`,
  `${valid.slice(0, -1)}\u0000`,
  '\u202e' + valid,
  valid.repeat(400),
  '',
  '../etc/passwd',
  'a%2Fb',
  'id?x=1',
  'id#frag',
  'with space',
  'ünïcödé',
  'nul\u0000byte',
  'x'.repeat(10_000),
];
const nothingUpstream = () => expect(Object.values(h.simulators).flatMap((s) => s.requests)).toEqual([]);

/**
 * The states table of docs/states.md, by column: the provider a column's heading names (its
 * first word, e.g. "D7 `status`"), and each row's statuses and "anything else".
 */
function statesColumns() {
  const lines = readDoc('docs/states.md').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| DeliveryState |'));
  expect(start, 'docs/states.md has the states table').toBeGreaterThan(-1);
  const headings = lines[start]!.split('|').slice(2, -1).map((c) => c.trim().split(' ')[0]!.toUpperCase());
  const rows = lines.slice(start + 2, lines.findIndex((l, i) => i > start && !l.startsWith('|'))).map((row) => row.split('|').slice(1, -1).map((c) => c.trim()));
  return new Map(
    headings.map((heading, i) => [
      heading,
      rows.map((cells) => ({ state: cells[0]!.replaceAll('`', ''), statuses: [...cells[i + 1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), anythingElse: cells[i + 1]!.includes('anything else') })),
    ]),
  );
}

type Item = { __typename: string; id?: string; provider?: string; providerMessageId?: string; state?: string; code?: string };

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    providers: cases.map((c) => c.module),
    simulator: { slowMs: 1_000 },
    // No retries and a breaker that stays closed: each scenario answers its own code. Each
    // provider's webhook endpoint opens with its sandbox token, set in its own token variable.
    env: {
      UPSTREAM_TIMEOUT_MS: '300',
      RETRY_MAX: '0',
      BREAKER_THRESHOLD: '1000',
      ...Object.fromEntries(cases.map((c) => [c.module.webhook!.tokenVariable, c.module.webhook!.sandboxToken])),
    },
  });
});
afterAll(() => h.close());

async function lookup(c: ConformanceCase, id: string): Promise<Item> {
  const res = await h.query<{ messageStatus: Item }>(LOOKUP, { provider: c.module.key, id });
  expect(res.errors).toBeUndefined();
  return res.data!.messageStatus;
}

/** Posts a body to the provider's webhook endpoint and waits until it is applied. */
async function pushWebhook(c: ConformanceCase, body: unknown): Promise<void> {
  const before = await appliedCount(h, { provider: c.module.key });
  const res = await postWebhook(h, `/webhooks/${c.module.key.toLowerCase()}/${c.module.webhook!.sandboxToken}`, body);
  expect(res.status).toBeLessThan(300);
  await until(async () => (await appliedCount(h, { provider: c.module.key })) > before, 3_000, `a ${c.module.key} webhook applied`);
}

it('covers every provider the service ships', () => {
  expect(shipped.map((p) => p.key).filter((key) => !cases.some((c) => c.module.key === key))).toEqual([]);
});

describe.each(cases.map((c) => [c.module.key, c] as const))('provider %s', (_key, c) => {
  it('refuses an id out of its format before any upstream call', async () => {
    h.resetCounts();
    expect(c.module.parseId(c.invalidId)).toBeUndefined();
    expect(c.module.parseId(c.found.id)).toBe(c.found.id);
    expect(await lookup(c, c.invalidId)).toMatchObject({ __typename: 'InvalidMessageId', provider: c.module.key, providerMessageId: c.invalidId });
    nothingUpstream();
  });

  it('answers hostile ids (../, %2F, ?, #, spaces, unicode, null bytes, 10 000 characters) InvalidMessageId, quoting them in part, nothing upstream', async () => {
    h.resetCounts();
    const ids = hostile(c.found.id);
    const res = await h.query<{ messageStatuses: { __typename: string; providerMessageId: string; message: string; retryable: boolean }[] }>(
      'query ($refs: [MessageRef!]!) { messageStatuses(refs: $refs) { __typename ... on LookupError { providerMessageId message retryable } } }',
      { refs: ids.map((id) => ({ provider: c.module.key, id })) },
    );
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.messageStatuses.map((r) => r.__typename)).toEqual(ids.map(() => 'InvalidMessageId'));
    // The id comes back as sent; the message quotes at most 80 characters of it.
    expect(res.data!.messageStatuses.map((r) => r.providerMessageId)).toEqual(ids);
    for (const r of res.data!.messageStatuses) expect(r).toMatchObject({ retryable: false, message: expect.stringMatching(/^.{5,299}$/s) });
    nothingUpstream();
  });

  it('answers BAD_USER_INPUT on its own root field for the same ids', async () => {
    h.resetCounts();
    for (const id of hostile(c.found.id)) {
      const res = await h.query(`query ($id: ID!) { ${c.rootField}(${c.keyField}: $id) { state } }`, { id });
      expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(id.slice(0, 40))).toEqual(['BAD_USER_INPUT']);
    }
    nothingUpstream();
  });

  it('looks a record up through its simulator, with its own type and root field', async () => {
    const item = await lookup(c, c.found.id);
    expect(item).toMatchObject({ __typename: c.module.typeName, provider: c.module.key, providerMessageId: c.found.id, state: c.found.state });
    const own = await h.query<Record<string, { __typename: string; state: string }>>(
      `query ($id: ID!) { ${c.rootField}(${c.keyField}: $id) { __typename state } }`,
      { id: c.found.id },
    );
    expect(own.data?.[c.rootField]).toEqual({ __typename: c.module.typeName, state: c.found.state });
  });

  it('normalizes each state its simulator offers', async () => {
    for (const [state, id] of Object.entries(c.states)) expect(await lookup(c, id)).toMatchObject({ state });
  });

  it('answers every documented error path of its simulator with its code', async () => {
    expect(await lookup(c, c.scenarios.notFound)).toMatchObject({ __typename: 'MessageNotFound', provider: c.module.key });
    for (const [scenario, code] of Object.entries(EXPECTED) as [keyof typeof EXPECTED, string][]) {
      expect({ scenario, ...(await lookup(c, c.scenarios[scenario])) }).toMatchObject({ scenario, __typename: 'ProviderError', code });
    }
  });

  it('is an entity by its own key and by its global id, and a node', async () => {
    const { id } = await lookup(c, c.found.id);
    const entities = await h.query<{ _entities: { __typename: string; providerMessageId: string }[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on MessageStatus { __typename providerMessageId } } }`,
      { representations: [{ __typename: c.module.typeName, [c.keyField]: c.found.id }, { __typename: 'MessageStatus', id }] },
    );
    expect(entities.data?._entities).toEqual([
      { __typename: c.module.typeName, providerMessageId: c.found.id },
      { __typename: c.module.typeName, providerMessageId: c.found.id },
    ]);
    const node = await h.query<{ node: { __typename: string } }>(`query ($id: ID!) { node(id: $id) { __typename } }`, { id });
    expect(node.data?.node).toEqual({ __typename: c.module.typeName });
  });

  it('keeps the merge rule: a webhook with an earlier state does not move the answer backwards', async () => {
    expect(await lookup(c, c.found.id)).toMatchObject({ state: c.found.state });
    await pushWebhook(c, c.olderWebhookBody());
    const res = await h.query<{ messageStatus: Item }>(LOOKUP.replace(', maxAge: 0', ''), { provider: c.module.key, id: c.found.id });
    expect(res.data?.messageStatus).toMatchObject({ state: c.found.state });
  });

  it('applies a webhook body at /webhooks/{key}/{token}', async () => {
    await pushWebhook(c, c.webhookBody());
  });

  it('has its variables read by loadConfig: credentials (live mode, scrubbed from logs) and its webhook token', () => {
    const served = cases.map((x) => x.module);
    const credentials = Object.fromEntries(c.module.credentialVariables.map((name) => [name, `${name.toLowerCase()}-value-0123456789`]));
    const config = loadConfig({ ...credentials, [c.module.webhook!.tokenVariable]: c.module.webhook!.sandboxToken }, served);
    expect(configVariables(served)).toEqual(expect.arrayContaining([...Object.keys(c.module.env), c.module.webhook!.tokenVariable]));
    expect(config.providers[c.module.key]?.credentials).toBeDefined();
    expect(config).toMatchObject({ mode: 'live', modeSource: 'credentials' });
    expect(config.webhooks.tokens[c.module.key]).toBe(c.module.webhook!.sandboxToken);
    expect(config.secrets).toContain(c.module.webhook!.sandboxToken);
    for (const other of served.filter((m) => m !== c.module)) expect(config.providers[other.key]?.credentials).toBeUndefined();
  });

  it('streams the current record to a subscriber first', async () => {
    const stream = subscribeSse(h, { refs: [{ provider: c.module.key, id: c.found.id }] });
    try {
      const [first] = await stream.waitFor(1);
      expect(first!.data).toMatchObject({ messageStatusChanged: { __typename: c.module.typeName, providerMessageId: c.found.id } });
    } finally {
      await stream.close();
    }
  });

  // The docs describe the service as shipped: a provider of src/providers/registry.ts has its rows
  // in every table, generated from its module; a provider served only by a test has none.
  describe('the docs tables', () => {
    const documented = shipped.some((p) => p.key === c.module.key);
    const presence = documented ? 'in' : 'absent from';

    it(`has its documented sandbox ids (valid, distinct, described) ${documented ? 'in' : 'nowhere in'} docs/getting-started.md "Sandbox ids"`, () => {
      const table = section('docs/getting-started.md', '## Sandbox ids');
      const ids = c.module.sandbox.ids.map((s) => s.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { id, behaviour } of c.module.sandbox.ids) {
        expect(c.module.parseId(id), id).toBeDefined();
        expect(behaviour.length).toBeGreaterThan(5);
        expect(table.includes(`\`${id}\``), `${id} ${presence} the Sandbox ids table`).toBe(documented);
      }
    });

    it(`has every variable its module reads ${documented ? 'in' : 'nowhere in'} docs/configuration.md`, () => {
      const page = readDoc('docs/configuration.md');
      const variables = [...Object.keys(c.module.env), ...(c.module.webhook ? [c.module.webhook.tokenVariable] : [])];
      expect(variables.length).toBeGreaterThan(0);
      for (const variable of variables) expect(page.includes(`\`${variable}\``), `${variable} ${presence} docs/configuration.md`).toBe(documented);
    });

    it(`has ${documented ? 'a' : 'no'} column in the docs/states.md states table${documented ? ': every status its normalizer knows in its row, nothing more, anything else UNKNOWN' : ''}`, () => {
      const column = statesColumns().get(c.module.key);
      if (!documented) return expect(column).toBeUndefined();
      expect(column, `docs/states.md has a ${c.module.key} column`).toBeDefined();
      expect(new Map(column!.flatMap((row) => row.statuses.map((status) => [status, row.state] as const)))).toEqual(c.statuses);
      expect(column!.filter((row) => row.anythingElse).map((row) => row.state)).toEqual(['UNKNOWN']);
    });
  });
});
