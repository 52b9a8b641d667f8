import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { d7ReportFor, freshD7Id } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';

/*
 * Issue 25, "defaults that adapt": with its default settings, the calls the service keeps in
 * flight at a provider fall when the provider slows down (20 → 500 ms) or answers 429/503,
 * and rise again when it recovers. Counted at the provider (requests open at once), under a
 * steady load of 8 clients asking 10 fresh ids each, back to back.
 */

const LOOKUP = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
    }
  }
`;

/** A loopback D7 that answers after `delayMs`, as a report or (`refuse`) 429 and 503 in turn; it counts the requests open at once. */
async function startProvider() {
  const state = { delayMs: 20, refuse: false, open: 0, calls: 0 };
  const server = createServer((req, res) => {
    const id = decodeURIComponent(/\/report\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
    state.open += 1;
    state.calls += 1;
    const refusal = state.refuse ? (state.calls % 2 === 0 ? 429 : 503) : undefined;
    let done = false;
    const finish = () => {
      if (!done) state.open -= 1;
      done = true;
    };
    res.on('close', finish);
    const timer = setTimeout(() => {
      finish();
      const text = JSON.stringify(refusal ? { detail: { code: 'BUSY', message: 'try later' } } : d7ReportFor(id));
      res.writeHead(refusal ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    }, state.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let provider: Awaited<ReturnType<typeof startProvider>>;
let h: Harness;
beforeAll(async () => {
  provider = await startProvider();
  h = await startHarness({
    env: {
      // The limiter, not the breaker, is under test: a provider answering only 429/503 would
      // otherwise open the circuit and no call would reach it at all.
      BREAKER_THRESHOLD: '1000',
      RETRY_MAX: '0',
      // Nothing answered from the cache: every lookup is an upstream call.
      CACHE_MAX_ENTRIES: '0',
      // The defaults, spelled out: the limit moves between 4 and 256, starting at 32.
      UPSTREAM_CONCURRENCY_MIN: '4',
      UPSTREAM_CONCURRENCY_MAX: '256',
    },
    baseUrls: { D7: provider.url },
  });
});
afterAll(async () => {
  await h.close();
  await provider.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const interactiveLimit = async () => sample(await (await h.get('/metrics')).text(), 'upstream_concurrency_limit', { provider: 'D7', lane: 'interactive' });

/** Over `ms`, every 20 ms: the provider's open requests (mean, and at most) and the interactive limit (at most, and at the end). */
async function watch(ms: number) {
  let sum = 0;
  let n = 0;
  let peakOpen = 0;
  let peakLimit = 0;
  let limit = 0;
  for (const end = Date.now() + ms; Date.now() < end; n++) {
    sum += provider.state.open;
    peakOpen = Math.max(peakOpen, provider.state.open);
    limit = await interactiveLimit();
    peakLimit = Math.max(peakLimit, limit);
    await sleep(20);
  }
  return { open: Math.round(sum / n), peakOpen, peakLimit, limit };
}

it('the calls kept in flight at a provider fall when it slows down or answers 429/503, and rise again when it recovers', async () => {
  let running = true;
  const clients = Array.from({ length: 8 }, async () => {
    while (running) await h.query(LOOKUP, { refs: Array.from({ length: 10 }, () => ({ provider: 'D7', id: freshD7Id() })) });
  });
  const phases: Record<string, Awaited<ReturnType<typeof watch>>> = {};
  // Each phase: time to adapt (at least `settleMs`, and until the limit has moved the way
  // expected or 10 s have passed: growing from the floor takes more windows on a loaded
  // machine), then one second watched.
  const phase = async (name: string, settleMs: number, moved: (limit: number) => boolean) => {
    await sleep(settleMs);
    for (const end = Date.now() + 10_000; Date.now() < end && !moved(await interactiveLimit()); ) await sleep(50);
    phases[name] = await watch(1_000);
  };
  const grown = (limit: number) => limit > 32;
  const fallen = (limit: number) => limit <= 8;
  try {
    await phase('fast', 1_500, grown);
    provider.state.delayMs = 500;
    await phase('slow', 4_000, fallen);
    provider.state.delayMs = 20;
    await phase('recovered', 1_000, grown);
    provider.state.refuse = true;
    await phase('refusing', 1_500, fallen);
    provider.state.refuse = false;
    await phase('recovered again', 1_000, grown);
  } finally {
    running = false;
    await Promise.all(clients);
  }
  const seen = JSON.stringify(phases);
  // A 20 ms provider: the limit grew past its start (32) to carry the 80 ids asked at once.
  expect(phases.fast!.peakLimit, seen).toBeGreaterThan(32);
  expect(phases.fast!.peakOpen, seen).toBeGreaterThan(32);
  // Recovered, it rises again from the floor, to several times the slow phases' few calls (how
  // far within the watched second depends on the machine: our own event-loop delay on a loaded
  // machine counts as round-trip time, and the limit does not grow past what the RTT allows).
  for (const name of ['recovered', 'recovered again']) {
    expect(phases[name]!.peakLimit, `${name}: ${seen}`).toBeGreaterThan(16);
    expect(phases[name]!.peakOpen, `${name}: ${seen}`).toBeGreaterThan(12);
  }
  // 500 ms, or 429/503: a few calls in flight, near the floor (4), not the 32 a fixed bulkhead kept.
  for (const name of ['slow', 'refusing']) {
    expect(phases[name]!.limit, `${name}: ${seen}`).toBeLessThanOrEqual(8);
    expect(phases[name]!.peakOpen, `${name}: ${seen}`).toBeLessThanOrEqual(12);
  }
}, 120_000);
