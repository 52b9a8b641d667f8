import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { BetatelWdrDocument, D7ReportDocument, MessageStatusDocument, NodeDocument } from '../../../operations/generated/graphql.js';
import { FULL_ACCESS_ENV, FULL_ACCESS_KEY } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

let h: Harness;
beforeAll(async () => {
  // Short upstream timeout and a slow id that is slower than it, to reach TIMEOUT quickly.
  // Cache off: these tests count upstream calls per request (test/integration/lookups/cache.test.ts covers the cache).
  h = await startHarness({ env: { UPSTREAM_TIMEOUT_MS: '300', CACHE_MAX_ENTRIES: '0' }, simulator: { slowMs: 2_000 } });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

describe('d7Report', () => {
  it("maps every field of D7's documented example", async () => {
    const res = await h.run(D7ReportDocument, { requestId: D7_SANDBOX.example });
    expect(res.errors).toBeUndefined();
    const report = res.data!.d7Report!;
    expect(report).toMatchObject({
      provider: 'D7',
      providerMessageId: D7_SANDBOX.example,
      requestId: D7_SANDBOX.example,
      requestStage: 'processed',
      scheduleTime: null,
      state: 'READ',
      isFinal: true,
    });
    expect(Date.parse(report.fetchedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(report.messages).toEqual([
      {
        msgId: '6d29d646-4e09-11ee-84f4-0242ac190006',
        originator: '9190615xxxx',
        recipient: '+9190617xxxx',
        reference: {
          customerRef: 'customerRef',
          messageTag1: '...',
          messageTag2: '...',
          messageTag3: '...',
          messageTag4: '...',
          messageTag5: '...',
          conversationId: '...',
        },
        conversationType: 'marketing',
        messageType: 'TEMPLATE',
        templateId: 'marketing',
        whatsappConversationId: 'db311b5709a13ac72c1bd9f293c68625',
        status: 'read',
        state: 'READ',
        reason: 'Read by the user',
      },
    ]);
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
  });

  it('accepts an upper-case UUID and looks up its canonical form', async () => {
    const res = await h.run(D7ReportDocument, { requestId: D7_SANDBOX.example.toUpperCase() });
    expect(res.data!.d7Report!.requestId).toBe(D7_SANDBOX.example);
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.example]);
  });

  it('is null when D7 does not know the id', async () => {
    const res = await h.run(D7ReportDocument, { requestId: D7_SANDBOX.notFound });
    expect(res.errors).toBeUndefined();
    expect(res.data!.d7Report).toBeNull();
  });

  it('rejects an id that is not a UUID with BAD_USER_INPUT and sends nothing upstream', async () => {
    const res = await h.run(D7ReportDocument, { requestId: '../../etc/passwd' });
    expect(res.data?.d7Report ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'requestId' });
    expect(res.errors?.[0]?.message).toMatch(/not a valid D7 Networks message id: expected a UUID/);
    expect(h.simulator('D7').requests).toEqual([]);
  });

  it.each([
    [D7_SANDBOX.unauthorized, 'UNAUTHORIZED', { httpStatus: 401, retryable: false }],
    [D7_SANDBOX.rateLimited, 'RATE_LIMITED', { httpStatus: 429, retryable: true, retryAfterSeconds: 7 }],
    [D7_SANDBOX.serverError, 'UNAVAILABLE', { httpStatus: 500, retryable: true }],
    [D7_SANDBOX.slow, 'TIMEOUT', { retryable: true }],
    [D7_SANDBOX.malformedJson, 'BAD_RESPONSE', { httpStatus: 200, retryable: false }],
    [D7_SANDBOX.wrongShape, 'BAD_RESPONSE', { httpStatus: 200, retryable: false }],
  ])('turns the failure of %s into a GraphQL error with code %s', async (id, code, extensions) => {
    const res = await h.run(D7ReportDocument, { requestId: id });
    expect(res.data?.d7Report ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code, provider: 'D7', ...extensions });
    expect(res.errors![0]!.path).toEqual(['d7Report']);
  });
});

describe('betatelWdr', () => {
  it("maps every field of Betatel's documented example", async () => {
    const res = await h.run(BetatelWdrDocument, { uuid: BETATEL_SANDBOX.example });
    expect(res.errors).toBeUndefined();
    expect(res.data!.betatelWdr).toMatchObject({
      provider: 'BETATEL',
      providerMessageId: BETATEL_SANDBOX.example,
      uuid: BETATEL_SANDBOX.example,
      whatsappMessageId: 'wamid.HBgLMzg3NjE0NDQ1NTUVAgARGBI',
      to: '38761444555',
      text: '482910',
      status: 'DELIVERED',
      state: 'DELIVERED',
      isFinal: false,
      createdAt: '2024-01-15T10:30:00.000Z',
      deliveredAt: '2024-01-15T10:30:02.000Z',
      deliveryTimeMs: 2143,
      webhookDelivered: true,
    });
    expect(h.simulator('BETATEL').requests).toEqual([BETATEL_SANDBOX.example]);
  });

  it('accepts a lower-case ULID', async () => {
    const res = await h.run(BetatelWdrDocument, { uuid: BETATEL_SANDBOX.example.toLowerCase() });
    expect(res.data!.betatelWdr!.uuid).toBe(BETATEL_SANDBOX.example);
  });

  it('is null when Betatel does not know the id, and BAD_USER_INPUT for a non-ULID', async () => {
    const missing = await h.run(BetatelWdrDocument, { uuid: BETATEL_SANDBOX.notFound });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.betatelWdr).toBeNull();

    const invalid = await h.run(BetatelWdrDocument, { uuid: 'ILOU0000000000000000000000' });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'uuid' });
    expect(h.simulator('BETATEL').requests).toEqual([BETATEL_SANDBOX.notFound]);
  });

  it.each([
    [BETATEL_SANDBOX.unauthorized, 'UNAUTHORIZED'],
    [BETATEL_SANDBOX.rateLimited, 'RATE_LIMITED'],
    [BETATEL_SANDBOX.serverError, 'UNAVAILABLE'],
    [BETATEL_SANDBOX.slow, 'TIMEOUT'],
    [BETATEL_SANDBOX.malformedJson, 'BAD_RESPONSE'],
    [BETATEL_SANDBOX.wrongShape, 'BAD_RESPONSE'],
  ])('turns the failure of %s into code %s', async (id, code) => {
    const res = await h.run(BetatelWdrDocument, { uuid: id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, provider: 'BETATEL' });
  });
});

describe('messageStatus', () => {
  it('answers a record for a D7 id with several recipients, aggregated', async () => {
    const res = await h.run(MessageStatusDocument, { provider: 'D7', id: D7_SANDBOX.mixed });
    expect(res.data!.messageStatus).toMatchObject({ __typename: 'D7Report', state: 'UNKNOWN', isFinal: false });
  });

  it.each([
    ['D7', 'nope', 'InvalidMessageId', false],
    ['D7', D7_SANDBOX.notFound, 'MessageNotFound', false],
    ['BETATEL', BETATEL_SANDBOX.serverError, 'ProviderError', true],
  ] as const)('answers %s %s with a %s member, never a GraphQL error', async (provider, id, typename, retryable) => {
    const res = await h.run(MessageStatusDocument, { provider, id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.messageStatus).toMatchObject({ __typename: typename, retryable });
    expect((res.data!.messageStatus as { message: string }).message.length).toBeGreaterThan(10);
  });

  it('says NOT_CONFIGURED in live mode when a provider has no credentials', async () => {
    const live = await startHarness();
    // Rebuild the app in live mode with D7 unconfigured: no request may leave.
    const { createApp } = await import('../../../src/app.js');
    const { loadConfig } = await import('../../../src/config.js');
    const { createLogger } = await import('../../../src/logger.js');
    const config = loadConfig({
      PROVIDER_MODE: 'live',
      LOG_LEVEL: 'silent',
      D7_BASE_URL: live.sandbox.simulators.D7!.url,
      BETATEL_BASE_URL: live.sandbox.simulators.BETATEL!.url,
      ...FULL_ACCESS_ENV,
    }, providers);
    const app = createApp(config, { logger: createLogger({ level: 'silent', pretty: false }) });
    try {
      const res = await app.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': FULL_ACCESS_KEY },
        body: JSON.stringify({
          query: `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename ... on ProviderError { code retryable message } } }`,
        }),
      });
      const body = (await res.json()) as { data: { messageStatus: { __typename: string; code: string; retryable: boolean; message: string } } };
      expect(body.data.messageStatus).toMatchObject({ __typename: 'ProviderError', code: 'NOT_CONFIGURED', retryable: false });
      expect(body.data.messageStatus.message).toMatch(/D7_API_TOKEN/);
      expect(live.simulator('D7').requests).toEqual([]);
    } finally {
      await app.close();
      await live.close();
    }
  });
});

describe('node', () => {
  it('refetches a record by the global id from its id field', async () => {
    const first = await h.run(BetatelWdrDocument, { uuid: BETATEL_SANDBOX.example });
    const id = first.data!.betatelWdr!.id;
    const res = await h.run(NodeDocument, { id });
    expect(res.data!.node).toMatchObject({ __typename: 'BetatelWdr', id, provider: 'BETATEL', providerMessageId: BETATEL_SANDBOX.example });
  });

  it('is null for an unknown message and BAD_USER_INPUT for a foreign id', async () => {
    const d7Missing = Buffer.from(`D7Report:${D7_SANDBOX.notFound}`).toString('base64');
    expect((await h.run(NodeDocument, { id: d7Missing })).data!.node).toBeNull();

    for (const id of ['garbage!', Buffer.from('User:1').toString('base64'), Buffer.from('D7Report:not-a-uuid').toString('base64')]) {
      const res = await h.run(NodeDocument, { id });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(h.simulator('D7').requests).toEqual([D7_SANDBOX.notFound]);
  });
});
