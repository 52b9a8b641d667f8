import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

// A real collection when we can get one (vitest's workers run without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? runInNewContext('gc')) as (() => void) | undefined;

let h: Harness;
beforeAll(async () => {
  // A small cache, so its (bounded) growth does not hide an unbounded one; no rate limit to hit.
  h = await startHarness({ env: { CACHE_MAX_ENTRIES: '100', RATE_LIMIT_PER_MINUTE: '0' } });
});
afterAll(() => h.close());

let serial = 0;
/** One round of invented things: an executed operation name, a refused one with an invented key, an invalid id, a random valid id. */
async function round(): Promise<void> {
  const n = serial++;
  const tag = `${n}x${Math.random().toString(36).slice(2, 8)}`;
  const answers = await Promise.all([
    h.post(JSON.stringify({ query: `query Op${tag} { messageStatus(provider: D7, id: "bad-${tag}") { __typename } }` })),
    h.post(JSON.stringify({ query: `query Key${tag} { __typename }`, operationName: `Key${tag}` }), { 'x-api-key': `invented-key-${tag}-${'k'.repeat(24)}` }),
    n % 10 === 0 ? h.post(JSON.stringify({ query: `query Id${tag} { d7Report(requestId: "${randomUUID()}") { state } }` })) : undefined,
  ]);
  for (const res of answers) await res?.arrayBuffer();
  expect(answers[1]!.status).toBe(401);
}

async function rounds(count: number): Promise<void> {
  // 10 at a time: enough concurrency to be realistic, little enough for two shared cores.
  for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: Math.min(10, count - i) }, round));
}

async function measure(): Promise<{ metricsBytes: number; heapBytes: number }> {
  const metricsBytes = (await (await h.get('/metrics')).text()).length;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { metricsBytes, heapBytes: process.memoryUsage().heapUsed };
}

describe('thousands of invented operation names, ids and API keys leave /metrics and the heap flat', () => {
  it('1 500 rounds after a warm-up of 1 500 grow neither', { timeout: 120_000 }, async () => {
    // Enough to fill every bounded cache first (yoga's parse and validation caches, the status
    // cache): measured, the heap still rises about 3 MB over the first 2 000 rounds, then stays.
    await rounds(1_500);
    const before = await measure();
    await rounds(1_500);
    const after = await measure();

    // 1 500 × (an executed name, a refused name, an invented key, an invalid id) and 150 random ids:
    // on unbounded labels that is over a megabyte of series. Counters only gain digits.
    expect(after.metricsBytes - before.metricsBytes).toBeLessThan(1_000);
    // With a real collection (about 0.2 MB measured) a 2 MB bound; without one, a looser bound
    // that still catches a leak of the size above (every request kept: tens of MB).
    expect(after.heapBytes - before.heapBytes).toBeLessThan(gc ? 2 * 1024 * 1024 : 16 * 1024 * 1024);
    expect(serial).toBe(3_000);
  });
});
