import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const page = (headers: Record<string, string> = {}) => h.app.yoga.fetch('http://test.local/graphql', { headers: { accept: 'text/html', ...headers } });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

// The first request for each encoding compresses 9 MB: CPU-bound, slow on a loaded machine.
describe('the GraphiQL page on the wire', { timeout: 60_000 }, () => {
  let identity: Buffer;
  beforeAll(async () => {
    identity = await bytes(await page());
  }, 60_000);

  it('is sent as it is, with its length, to a client that asks for no encoding', async () => {
    const res = await page();
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Number(res.headers.get('content-length'))).toBe(identity.length);
    expect(identity.toString('utf8')).toContain('query MessageStatuses');
    expect(identity.length).toBeGreaterThan(5_000_000);
  });

  it('is gzip for a client that accepts gzip only, the same page at under a third of the bytes', async () => {
    const res = await page({ 'accept-encoding': 'gzip, deflate' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    const body = await bytes(res);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBeLessThan(identity.length / 3);
    expect(gunzipSync(body).equals(identity)).toBe(true);
  });

  it('is brotli for a browser (gzip, deflate, br, zstd), smaller than gzip', async () => {
    const gzipped = await bytes(await page({ 'accept-encoding': 'gzip' }));
    const res = await page({ 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.headers.get('content-encoding')).toBe('br');
    const body = await bytes(res);
    expect(body.length).toBeLessThan(gzipped.length);
    expect(brotliDecompressSync(body).equals(identity)).toBe(true);
  });

  it('keeps the headers other plugins set (x-request-id)', async () => {
    const res = await page({ 'accept-encoding': 'br', 'x-request-id': 'graphiql-compression-1' });
    expect(res.headers.get('x-request-id')).toBe('graphiql-compression-1');
  });

  it('carries an ETag, the same for every encoding, and answers 304 with no body to a matching If-None-Match', async () => {
    const first = await page({ 'accept-encoding': 'br' });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect((await page({ 'accept-encoding': 'gzip' })).headers.get('etag')).toBe(etag);

    const revalidated = await page({ 'accept-encoding': 'br', 'if-none-match': etag! });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect((await bytes(revalidated)).length).toBe(0);

    const stale = await page({ 'accept-encoding': 'br', 'if-none-match': 'W/"some-older-page"' });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('content-encoding')).toBe('br');
  });
});

describe('API answers', () => {
  const query = `{ messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename } }`;

  it.each([
    ['a client that asks for gzip and br', { 'accept-encoding': 'gzip, br' }],
    ['a client that asks for nothing', {}],
  ])('stay uncompressed JSON for %s, POST and GET', async (_who, headers: Record<string, string>) => {
    const post = await h.app.yoga.fetch('http://test.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query }),
    });
    const get = await h.app.yoga.fetch(`http://test.local/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1', ...headers },
    });
    for (const res of [post, get]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('etag')).toBeNull();
      expect(await res.json()).toEqual({ data: { messageStatus: { __typename: 'D7Report' } } });
    }
  });
});
