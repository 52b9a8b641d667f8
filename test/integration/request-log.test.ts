import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { BETATEL_SANDBOX } from '../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../helpers/harness.js';

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
