import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MAX_SEEN_OPERATIONS } from '../../../src/observability/labels.js';
import { FULL_ACCESS_ENV } from '../../helpers/auth.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';

// Anonymous access off, as in live mode: every request without a key is a 401.
const lines: string[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { ...FULL_ACCESS_ENV, ALLOW_ANONYMOUS: 'false', RATE_LIMIT_PER_MINUTE: '0' },
    deps: { logger: createLogger({ level: 'info', pretty: false, destination: { write: (s: string) => void lines.push(s) } as never }) },
  });
});
afterAll(() => h.close());

const scrape = async () => (await h.get('/metrics')).text();
const operationLabels = (text: string) => new Set([...text.matchAll(/^graphql_operations_total\{operation="([^"]*)"/gm)].map((m) => m[1]!));

describe('/metrics labels are bounded', () => {
  it('200 refused (401) requests with invented operation names mint no label and leave /metrics the same size', async () => {
    await h.post(JSON.stringify({ query: 'query Warm { __typename }', operationName: 'Warm' }));
    const before = await scrape();
    for (let i = 0; i < 200; i++) {
      const res = await h.post(JSON.stringify({ query: `query Invented${i} { __typename }`, operationName: `Invented${i}` }));
      expect(res.status).toBe(401);
    }
    const after = await scrape();
    expect([...operationLabels(after)].filter((l) => l.startsWith('Invented'))).toEqual([]);
    expect(sample(after, 'graphql_operations_total', { operation: 'other', outcome: 'error' }) - sample(before, 'graphql_operations_total', { operation: 'other', outcome: 'error' })).toBe(200);
    // Counter values grow by a few digits, no series is added.
    expect(after.length - before.length).toBeLessThan(200);
  });

  it('a refused request naming a known operation counts under that name', async () => {
    const before = await scrape();
    await h.post(JSON.stringify({ query: 'query MessageStatuses { __typename }', operationName: 'MessageStatuses' }));
    const after = await scrape();
    expect(sample(after, 'graphql_operations_total', { operation: 'MessageStatuses', outcome: 'error' }) - sample(before, 'graphql_operations_total', { operation: 'MessageStatuses', outcome: 'error' })).toBe(1);
  });

  it(`executed operations take at most ${MAX_SEEN_OPERATIONS} new labels; the rest count as "other"`, async () => {
    const key = { 'x-api-key': 'test-full-access-key-0123456789abcdef' };
    for (let i = 0; i < MAX_SEEN_OPERATIONS + 30; i++) {
      const res = await h.post(JSON.stringify({ query: `query Executed${i} { __typename }` }), key);
      expect(res.status).toBe(200);
    }
    const labels = operationLabels(await scrape());
    const executed = [...labels].filter((l) => l.startsWith('Executed'));
    // Only executed operations took slots (the 401s above took none).
    expect(executed.length).toBe(MAX_SEEN_OPERATIONS);
    expect(labels.has('Invented0')).toBe(false);
    expect(labels.has('other')).toBe(true);
  });
});

describe('requests refused before parsing leave one log line and a count', () => {
  it.each([
    ['malformed JSON', { body: '{"query"', headers: {} }, 400, 'BAD_REQUEST'],
    ['a batch', { body: '[{"query":"{ __typename }"}]', headers: {} }, 400, 'BAD_REQUEST'],
    ['a CSRF refusal', { body: '{"query":"{ __typename }"}', headers: { 'content-type': 'text/plain' } }, 403, 'CSRF_HEADER_MISSING'],
    ['an unknown content type', { body: '<q/>', headers: { 'content-type': 'application/xml' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ] as const)('%s', async (_name, request, status, code) => {
    const before = await scrape();
    const from = lines.length;
    const res = await h.post(request.body, request.headers);
    expect(res.status).toBe(status);
    const logged = lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'graphql request refused', status, errorCodes: [code], requestId: res.headers.get('x-request-id') });
    const after = await scrape();
    expect(sample(after, 'graphql_requests_refused_total', { status: String(status), code }) - sample(before, 'graphql_requests_refused_total', { status: String(status), code })).toBe(1);
  });

  it('/health and unknown paths are not counted as refused GraphQL requests', async () => {
    const before = await scrape();
    await h.get('/health');
    await h.get('/nope');
    expect(sample(await scrape(), 'graphql_requests_refused_total')).toBe(sample(before, 'graphql_requests_refused_total'));
  });
});
