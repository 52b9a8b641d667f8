import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

/** CORS: which origins a browser may call from. (What a page may send without a preflight is csrf.test.ts.) */
const preflight = (h: Harness, origin: string) =>
  Promise.resolve(h.app.yoga.fetch('http://test.local/graphql', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } }));

describe('without CORS_ORIGINS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('an OPTIONS preflight from any origin is a plain CORS refusal: 204 without allow headers, no CSRF 403', async () => {
    const res = await preflight(h, 'https://evil.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect(await res.text()).toBe('');
  });
});

describe('with CORS_ORIGINS set', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { CORS_ORIGINS: 'https://app.example.com,https://admin.example.com' } });
  });
  afterAll(() => h.close());

  it('a listed origin gets its allow headers; an unlisted one gets none at all (not even "null")', async () => {
    const listed = await preflight(h, 'https://admin.example.com');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(listed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const unlisted = await preflight(h, 'https://evil.example');
    expect(unlisted.status).toBe(204);
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
    expect(unlisted.headers.get('access-control-allow-headers')).toBeNull();
  });
});
