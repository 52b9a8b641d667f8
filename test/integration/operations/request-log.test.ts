import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { REQUEST_REFUSALS } from '../../../src/observability/log-budget.js';

const { linesPerWindow: REFUSAL_LINES_PER_WINDOW, windowMs: REFUSAL_WINDOW_MS } = REQUEST_REFUSALS;
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ deps: { logger: createLogger({ level: 'info', destination: sink }) } });
});
afterAll(() => h.close());

const requestLines = () => lines.filter((l) => l.msg === 'graphql request');
const ask = (headers: Record<string, string> = {}) =>
  h.post(
    JSON.stringify({
      query: `query Pair {
        a: messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename }
        b: messageStatus(provider: BETATEL, id: "${BETATEL_SANDBOX.example}") { __typename }
        again: messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename }
      }`,
    }),
    headers,
  );

describe('request id and the per-request log line', () => {
  it('takes the caller x-request-id, returns it, and logs operation, duration, upstream calls and outcome', async () => {
    lines.length = 0;
    const res = await ask({ 'x-request-id': 'req-42.a' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42.a');
    const [line] = requestLines();
    expect(line).toMatchObject({ requestId: 'req-42.a', operation: 'Pair', operationType: 'query', upstreamCalls: 2, outcome: 'success', status: 200 });
    expect(typeof line!.durationMs).toBe('number');
    expect(requestLines()).toHaveLength(1);
  });

  it('generates an id when none (or an unsafe one) comes in, and logs error codes on failure', async () => {
    lines.length = 0;
    const none = await ask();
    const unsafe = await ask({ 'x-request-id': 'has spaces\tand "quotes"' });
    const generated = [none.headers.get('x-request-id'), unsafe.headers.get('x-request-id')];
    for (const id of generated) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(generated[0]).not.toBe(generated[1]);
    expect(requestLines().map((l) => l.requestId)).toEqual(generated);

    await h.query(`query Denied { d7Report(requestId: "${D7_SANDBOX.unauthorized}") { state } }`);
    expect(requestLines()[2]).toMatchObject({ operation: 'Denied', upstreamCalls: 1, outcome: 'error', errorCodes: ['UNAUTHORIZED'] });
  });
});

describe('log lines of refused requests are bounded per client address', () => {
  const from = (address: string, init: RequestInit) =>
    Promise.resolve(h.app.yoga.fetch('http://test.local/graphql', init, { req: { socket: { remoteAddress: address } } } as never));
  const refusedXml = { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<q/>' };

  it(`${REFUSAL_LINES_PER_WINDOW} lines per ${REFUSAL_WINDOW_MS / 1000} s per address; other addresses and answered requests are still logged`, async () => {
    lines.length = 0;
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await from('203.0.113.7', refusedXml);
      expect(res.status).toBe(415);
      ids.push(res.headers.get('x-request-id')!);
    }
    const logged = lines.filter((l) => ids.includes(l.requestId as string));
    expect(logged).toHaveLength(REFUSAL_LINES_PER_WINDOW);
    // Another client's refusal, and the noisy client's answered request, are logged.
    const other = await from('203.0.113.8', refusedXml);
    expect(lines.some((l) => l.requestId === other.headers.get('x-request-id'))).toBe(true);
    const ok = await from('203.0.113.7', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(ok.status).toBe(200);
    expect(lines.some((l) => l.requestId === ok.headers.get('x-request-id') && l.status === 200)).toBe(true);
  });
});

describe('the logger', () => {
  it('redacts credential fields and configured secret values', () => {
    const out: string[] = [];
    const logger = createLogger({
      level: 'info',
      secrets: ['tok-SECRET-123'],
      destination: new Writable({ write: (chunk: Buffer, _e, done) => void (out.push(chunk.toString()), done()) }),
    });
    logger.info({ headers: { authorization: 'Bearer tok-SECRET-123', 'x-api-key': 'key-SECRET' } }, 'calling with tok-SECRET-123');
    const text = out.join('');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('SECRET');
  });
});
