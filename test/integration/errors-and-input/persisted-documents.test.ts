import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7ReportDocument, MessageStatusesDocument } from '../../../operations/generated/graphql.js';
import { createApp } from '../../../src/app.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { DEFAULT_MANIFEST, isRouterOperation } from '../../../src/persisted/use-persisted-documents.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>;
const hashOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;
const D7_ID = hashOf(D7ReportDocument);
const BATCH_ID = hashOf(MessageStatusesDocument);
const UNKNOWN_ID = `sha256:${'0'.repeat(64)}`;
const ARBITRARY = `{ d7Report(requestId: "${D7_SANDBOX.example}") { requestId state } }`;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}
async function send(h: Harness, body: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const res = await h.post(JSON.stringify(body));
  return { status: res.status, body: (await res.json()) as Body };
}
const upstreamCalls = (h: Harness) => h.simulator('D7').requests.length + h.simulator('BETATEL').requests.length;

describe('the manifest codegen writes', () => {
  it('holds every operation in operations/, keyed by the sha256 the typed documents carry', () => {
    const operations = readdirSync(new URL('../../../operations/', import.meta.url)).filter((f) => f.endsWith('.graphql'));
    expect(Object.keys(manifest)).toHaveLength(operations.length);
    const names = Object.values(manifest).map((doc) => /^(?:query|subscription) (\w+)/.exec(doc)?.[1]);
    expect(names.sort()).toEqual(operations.map((f) => f.replace('.graphql', '')).sort());
    expect(manifest[D7_ID]).toMatch(/^query D7Report\(/);
    expect(manifest[BATCH_ID]).toMatch(/^query MessageStatuses\(/);
  });
});

describe('PERSISTED_DOCUMENTS=allow (the default; the sandbox)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('runs a persisted document sent by documentId', async () => {
    const res = await send(h, { documentId: D7_ID, variables: { requestId: D7_SANDBOX.example } });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ d7Report: { requestId: D7_SANDBOX.example, state: 'READ', provider: 'D7' } });
  });

  it("runs one sent Apollo's way, extensions.persistedQuery.sha256Hash", async () => {
    const res = await send(h, {
      variables: { refs: [{ provider: 'BETATEL', id: BETATEL_SANDBOX.example }, { provider: 'D7', id: 'not-a-uuid' }] },
      extensions: { persistedQuery: { version: 1, sha256Hash: BATCH_ID.slice('sha256:'.length) } },
    });
    expect(res.body.errors).toBeUndefined();
    const items = (res.body.data as { messageStatuses: { __typename: string }[] }).messageStatuses;
    expect(items.map((i) => i.__typename)).toEqual(['BetatelWdr', 'InvalidMessageId']);
  });

  it('also runs arbitrary query text', async () => {
    const res = await send(h, { query: ARBITRARY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { d7Report: { requestId: D7_SANDBOX.example, state: 'READ' } } });
  });

  it('answers PersistedQueryNotFound for an id not in the manifest, and sends nothing upstream', async () => {
    h.resetCounts();
    const res = await send(h, { documentId: UNKNOWN_ID, variables: { requestId: D7_SANDBOX.example } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^PersistedQueryNotFound/), extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
    expect(upstreamCalls(h)).toBe(0);
  });
});

describe('PERSISTED_DOCUMENTS=require (live mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    // Live mode refuses anonymous callers by default; these tests are about documents, not identity.
    h = await startHarness({ env: { PROVIDER_MODE: 'live', PERSISTED_DOCUMENTS: 'require', ALLOW_ANONYMOUS: 'true' } });
  });
  afterAll(() => h.close());

  it('runs a persisted document', async () => {
    const res = await send(h, { documentId: D7_ID, variables: { requestId: D7_SANDBOX.example } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ d7Report: { requestId: D7_SANDBOX.example, state: 'READ' } });
  });

  it('refuses arbitrary query text with PERSISTED_QUERY_ONLY, before anything goes upstream', async () => {
    h.resetCounts();
    const res = await send(h, { query: ARBITRARY });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/Only persisted documents/), extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_ONLY' }) })]);
    expect(upstreamCalls(h)).toBe(0);
  });

  it('refuses the text of a persisted document too: the id is the contract', async () => {
    const res = await send(h, { query: manifest[D7_ID], variables: { requestId: D7_SANDBOX.example } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('answers PersistedQueryNotFound for an unknown id', async () => {
    const res = await send(h, { documentId: UNKNOWN_ID });
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^PersistedQueryNotFound/), extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  });

  it("still serves the federation router's _service query (it has no manifest)", async () => {
    const res = await send(h, { query: 'query SubgraphIntrospectQuery { _service { sdl } }' });
    expect(res.status).toBe(200);
    expect((res.body.data as { _service: { sdl: string } })._service.sdl).toContain('type D7Report');
  });

  it("still serves the router's _entities queries, through the same loaders", async () => {
    // Ids no earlier test here looked up (a status cache cannot answer them); one repeated.
    h.resetCounts();
    const res = await send(h, {
      query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on D7Report { requestId state } ... on BetatelWdr { uuid state } } }',
      variables: {
        representations: [
          { __typename: 'D7Report', requestId: D7_SANDBOX.mixed },
          { __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.unknownStatus },
          { __typename: 'D7Report', requestId: D7_SANDBOX.mixed },
        ],
      },
    });
    expect(res.body).toEqual({
      data: {
        _entities: [
          { __typename: 'D7Report', requestId: D7_SANDBOX.mixed, state: 'UNKNOWN' },
          { __typename: 'BetatelWdr', uuid: BETATEL_SANDBOX.unknownStatus, state: 'UNKNOWN' },
          { __typename: 'D7Report', requestId: D7_SANDBOX.mixed, state: 'UNKNOWN' },
        ],
      },
    });
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.mixed]);
    expect(h.simulator('BETATEL').requests).toEqual([BETATEL_SANDBOX.unknownStatus]);
  });

  it('refuses router fields mixed with any other root field, or reached through a root fragment', async () => {
    for (const query of [
      `{ _service { sdl } d7Report(requestId: "${D7_SANDBOX.example}") { state } }`,
      `{ ...F } fragment F on Query { d7Report(requestId: "${D7_SANDBOX.example}") { state } }`,
      `{ _service { sdl } } query Other { node(id: "x") { id } }`,
    ]) {
      const res = await send(h, { query });
      expect(res.body.errors?.[0]?.extensions?.code, query).toBe('PERSISTED_QUERY_ONLY');
    }
  });
});

describe('PERSISTED_DOCUMENTS=off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { PERSISTED_DOCUMENTS: 'off' } });
  });
  afterAll(() => h.close());

  it('runs query text and does not know document ids', async () => {
    expect((await send(h, { query: ARBITRARY })).body.data).toEqual({ d7Report: { requestId: D7_SANDBOX.example, state: 'READ' } });
    const res = await send(h, { documentId: D7_ID, variables: { requestId: D7_SANDBOX.example } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('configuration', () => {
  it('refuses require in sandbox mode, with the other problems', () => {
    let error: unknown;
    try {
      loadConfig({ PERSISTED_DOCUMENTS: 'require', MAX_BATCH_SIZE: '0' }, providers);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^MAX_BATCH_SIZE/), expect.stringMatching(/^PERSISTED_DOCUMENTS: "require" needs live mode/)]);
    expect(loadConfig({ PERSISTED_DOCUMENTS: 'require', D7_API_TOKEN: 'd7-token-long-enough' }, providers).persistedDocuments).toEqual({ mode: 'require', manifestPath: undefined });
    expect(loadConfig({}, providers).persistedDocuments.mode).toBe('allow');
    expect(() => loadConfig({ PERSISTED_DOCUMENTS: 'sometimes' }, providers)).toThrow(/PERSISTED_DOCUMENTS/);
  });

  it('stops the start on a manifest that is missing, or whose id is not the sha256 of its document', () => {
    const logger = createLogger({ level: 'silent', pretty: false });
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...manifest, [D7_ID]: '{ d7Report(requestId: "x") { state } }' }));
    const app = (path: string) => createApp({ ...loadConfig({ LOG_LEVEL: 'silent' }, providers), persistedDocuments: { mode: 'allow', manifestPath: path } }, { logger });
    expect(() => app(join(dir, 'missing.json'))).toThrow(/persisted documents manifest .*missing\.json/);
    expect(() => app(edited)).toThrow(/is not the sha256 of its document/);
  });
});

describe('isRouterOperation', () => {
  it.each([
    ['{ _service { sdl } }', true],
    ['query Q($r: [_Any!]!) { _entities(representations: $r) { ... on D7Report { state } } __typename }', true],
    ['{ _entities(representations: []) { ...E } } fragment E on D7Report { state }', true],
    ['{ __typename }', true],
    ['{ d7Report(requestId: "x") { state } }', false],
    ['{ ... on Query { _service { sdl } } }', false],
    ['subscription { _service { sdl } }', false],
    ['fragment E on D7Report { state }', false],
    ['{ _service { ', false],
  ])('%s → %s', (query, expected) => {
    expect(isRouterOperation(query)).toBe(expected);
  });
});
