import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshD7Id, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { sample } from '../../helpers/prometheus.js';

/*
 * The adaptive limit is shared by every client of a provider: one client asking, back to back,
 * for a few ids the provider answers 500 (the sandbox's serverError ids, any record a provider
 * fails on) must not hold the others' limit down while the provider answers them in 20 ms.
 */

const LOOKUP = /* GraphQL */ `
  query ($refs: [MessageRef!]!) {
    messageStatuses(refs: $refs) {
      __typename
    }
  }
`;

/** Ids the loopback D7 fails on, at once, with a 500. */
const FAILING = Array.from({ length: 5 }, (_, i) => `eeeeeeee-0000-4000-8000-${String(i).padStart(12, '0')}`);

/** The loopback D7: every report in 20 ms, the failing ids a 500 at once. */
async function startProvider(): Promise<FaultServer> {
  const server = await startFaultServer();
  server.setDefault({ kind: 'ok', delayMs: 20 });
  for (const id of FAILING) server.script(id, { kind: 'status', status: 500 });
  return server;
}

let provider: FaultServer;
let h: Harness;
beforeAll(async () => {
  provider = await startProvider();
  h = await startHarness({
    // The limit, not the breaker, is under test (the hostile client's 500s never come five in a row among the others' answers anyway).
    // No rate limit: the others ask far more than 600 requests a minute.
    env: { BREAKER_THRESHOLD: '1000', CACHE_MAX_ENTRIES: '0', RATE_LIMIT_PER_MINUTE: '0' },
    baseUrls: { D7: provider.url },
  });
});
afterAll(async () => {
  await h.close();
  await provider.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const interactiveLimit = async () => sample(await (await h.get('/metrics')).text(), 'upstream_concurrency_limit', { provider: 'D7', lane: 'interactive' });

it("one client's erroring ids do not hold every client's limit down", async () => {
  let running = true;
  let hostile = false;
  let answered = 0;
  const clients = Array.from({ length: 8 }, async () => {
    while (running) {
      const result = await h.query(LOOKUP, { refs: Array.from({ length: 10 }, () => ({ provider: 'D7', id: freshD7Id() })) });
      if (!result.errors) answered += 1;
    }
  });
  const attacker = (async () => {
    while (running) {
      if (hostile) await h.query(LOOKUP, { refs: FAILING.map((id) => ({ provider: 'D7', id })) });
      else await sleep(20);
    }
  })();
  /** Over `ms`: the others' requests answered, and the interactive limit at its lowest and at the end. */
  const watch = async (ms: number) => {
    const before = answered;
    let lowest = Number.POSITIVE_INFINITY;
    let limit = 0;
    for (const end = Date.now() + ms; Date.now() < end; ) {
      limit = await interactiveLimit();
      lowest = Math.min(lowest, limit);
      await sleep(50);
    }
    return { answered: answered - before, lowest, limit };
  };
  try {
    await sleep(2_000);
    const alone = await watch(3_000);
    hostile = true;
    await sleep(1_000);
    const attacked = await watch(3_000);
    const seen = JSON.stringify({ alone, attacked });
    // The 80 ids asked at once by the others still get past the limit's start (32)...
    expect(attacked.lowest, seen).toBeGreaterThan(32);
    // ...and most of what they got alone (the machine's own load moves this by a few tens of per cent).
    expect(attacked.answered, seen).toBeGreaterThan(alone.answered * 0.6);
  } finally {
    running = false;
    await Promise.all([...clients, attacker]);
  }
}, 60_000);
