import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Log lines of the app at info level, to check that refusals are not logged as crashes.
const lines: string[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ deps: { logger: createLogger({ level: 'info', pretty: false, destination: { write: (s: string) => void lines.push(s) } as never }) } });
});
afterAll(() => h.close());
beforeEach(() => h.resetCounts());

const fetchApp = (path: string, init: RequestInit = {}) => Promise.resolve(h.app.yoga.fetch(`http://test.local${path}`, init));
const csrf = { 'x-graphql-yoga-csrf': '1' };
const errorsOf = async (res: Response) => ((await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] }).errors ?? [];

const nothingUpstream = () => expect(Object.values(h.simulators).flatMap((s) => s.requests)).toEqual([]);

describe('a malformed POST body is a 400 with a clear message, and nothing goes upstream', () => {
  it.each([
    ['truncated JSON', '{"query": "{ __typename }"', /JSON/i],
    ['JSON that is not an object', '[1, 2', /./],
    ['a number', '42', /./],
    ['a query that is not a string', '{"query": 42}', /./],
    ['variables that are not an object', '{"query": "{ __typename }", "variables": "x"}', /./],
    ['an empty body', '', /./],
    ['no query', '{"variables": {}}', /query/i],
  ])('%s', async (_name, body, says) => {
    const res = await h.post(body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/"message":"[^"]{5,}/);
    expect(text).toMatch(says);
    expect(text).not.toMatch(/at .+\.(js|ts):\d+/);
    nothingUpstream();
  });

  it.each(['application/graphql-response+json', 'application/json'])('truncated JSON is 400 BAD_REQUEST whatever the accept (%s)', async (accept) => {
    const res = await h.post('{"query"', { accept });
    expect(res.status).toBe(400);
    expect((await errorsOf(res)).map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
  });
});

describe('malformed JSON in GET parameters is a 400 BAD_REQUEST, not a crash', () => {
  it.each([
    ['variables', '%7B'],
    ['variables', '%5B1%2C2%5D'],
    ['variables', '42'],
    ['extensions', '%7B'],
    ['extensions', '%22x%22'],
  ])('GET ?%s=%s', async (param, value) => {
    const before = lines.length;
    const res = await fetchApp(`/graphql?query=%7B__typename%7D&${param}=${value}`, { headers: { ...csrf, accept: 'application/json' } });
    expect(res.status).toBe(400);
    const errors = await errorsOf(res);
    expect(errors.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
    expect(errors[0]!.message).toContain(`"${param}"`);
    // One line for the request, none with a stack or at error level.
    const logged = lines.slice(before).map((l) => JSON.parse(l) as { level: number; err?: unknown });
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.slice(before).join('')).not.toMatch(/stack|SyntaxError/);
  });

  it('the same in a form POST body', async () => {
    const res = await fetchApp('/graphql', { method: 'POST', headers: { ...csrf, 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D&variables=%7B' });
    expect(res.status).toBe(400);
    expect((await errorsOf(res)).map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
  });

  it('well-formed GET parameters still work', async () => {
    const res = await fetchApp('/graphql?query=query%20Q%7B__typename%7D&variables=%7B%22a%22%3A1%7D&extensions=%7B%7D&operationName=Q', { headers: { ...csrf, accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('content types', () => {
  it.each(['APPLICATION/JSON', 'Application/Json; charset=UTF-8', 'application/json;charset=utf-8', 'application/JSON ; charset=utf-8'])('"%s" is JSON', async (type) => {
    const res = await fetchApp('/graphql', { method: 'POST', headers: { 'content-type': type }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('malformed JSON with an upper-case content type is still a 400 BAD_REQUEST', async () => {
    const res = await fetchApp('/graphql', { method: 'POST', headers: { 'content-type': 'APPLICATION/JSON' }, body: '{"query"' });
    expect(res.status).toBe(400);
    expect((await errorsOf(res)).map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
  });
});

describe('refusals without a GraphQL body get a small JSON one with a stable code', () => {
  it.each([
    ['an unknown path', '/nope', {}, 404, 'NOT_FOUND'],
    ['an unacceptable accept', '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' }, body: '{"query":"{ __typename }"}' }, 406, 'NOT_ACCEPTABLE'],
    ['an unknown content type', '/graphql', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<q/>' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    // yoga's own 405 already has a body and a code.
    ['an unsupported method', '/graphql', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }, 405, 'BAD_REQUEST'],
  ] as const)('%s', async (_name, path, init, status, code) => {
    const res = await fetchApp(path, init as RequestInit);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const errors = await errorsOf(res);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions?.code).toBe(code);
    expect(errors[0]!.message.length).toBeGreaterThan(10);
  });
});
