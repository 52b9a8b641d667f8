/**
 * Live-path benchmark (`npm run bench:live`): subscriptions over GraphQL over SSE on a real
 * loopback port, against the sandbox simulators on loopback, everything in this one process
 * (clients included, so figures are upper bounds of the server's own cost). It measures:
 *
 * 1. fan-out latency: 1,000 subscribers of one message; each round the service learns a
 *    change (`StatusService.offer`, what a webhook does) and we time until the last of the
 *    1,000 has the event (p50 and p99 over the rounds, and over every single delivery);
 * 2. upstream calls with no webhooks: 1,000 subscribers on 100 moving sandbox ids for a short
 *    run at the default watcher backoff, counted at the simulator, against what 1,000
 *    independent 2 s pollers would make;
 * 3. memory per open subscription: heap after a forced GC, 1,000 subscriptions open vs none.
 *
 * Writes bench/LIVE.md. Options: --subscribers 1000 --rounds 30 --ids 100 --seconds 30
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { MessageStatusRecord } from '../src/domain/message-status.js';
import { EventStreamReader } from '../src/subscriptions/event-stream-reader.js';
import { BETATEL_SANDBOX } from '../src/providers/betatel/simulator.js';
import { createLogger } from '../src/logger.js';
import { startSandbox, withSandboxProviders } from '../src/sandbox/start-sandbox.js';
import { providers } from '../src/providers/registry.js';

const { values: opts } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '30' },
    ids: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
  },
});
const SUBSCRIBERS = Number(opts.subscribers);
const ROUNDS = Number(opts.rounds);
const IDS = Number(opts.ids);
const SECONDS = Number(opts.seconds);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:live does)');

const QUERY = 'subscription($refs: [MessageRef!]!) { messageStatusChanged(refs: $refs) { __typename ... on MessageStatus { state } ... on BetatelWdr { deliveryTimeMs } } }';
/** A Betatel uuid (ULID: Crockford base32, no I, L, O or U) made from a prefix and a number. */
const ulid = (n: number, prefix: string) => `01${prefix}${n.toString(32).toUpperCase().replace(/[ILOU]/g, 'Z').padStart(24 - prefix.length, '0')}`.slice(0, 26);

async function start() {
  const sandbox = await startSandbox();
  const config = withSandboxProviders(
    loadConfig({ LOG_LEVEL: 'silent', MAX_SUBSCRIPTIONS_PER_CLIENT: String(SUBSCRIBERS * 2), RATE_LIMIT_PER_MINUTE: '0', SUBSCRIPTION_MAX_WATCHERS: '100000' }, providers),
    sandbox,
  );
  const app = createApp(config, { logger: createLogger({ level: 'silent', pretty: false }) });
  const server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    app,
    sandbox,
    url,
    async close() {
      await app.live.endAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await sandbox.close();
    },
  };
}

type Running = Awaited<ReturnType<typeof start>>;

interface Subscriber {
  /** performance.now() of each event, in arrival order. */
  arrivals: number[];
  close(): Promise<void>;
}

async function subscribe(url: string, refs: { provider: string; id: string }[], onEvent?: () => void): Promise<Subscriber> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: QUERY, variables: { refs } }),
    signal: controller.signal,
  });
  const events = new EventStreamReader(res.body!, 1 << 20);
  const arrivals: number[] = [];
  void (async () => {
    for await (const event of events) {
      if (event.event !== 'next') break;
      arrivals.push(performance.now());
      onEvent?.();
    }
  })().catch(() => undefined);
  return {
    arrivals,
    async close() {
      await events.return();
      controller.abort();
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * 1. One message, SUBSCRIBERS subscribers; ROUNDS changes offered one at a time. The message is
 * the simulator's not-found id, so the watcher's own polls (404, nothing new) add no events and
 * every event is one we offered: round r is each subscriber's event r.
 */
async function fanOut(run: Running) {
  const id = BETATEL_SANDBOX.notFound;
  const template = (await run.app.service.lookup('BETATEL', ulid(1, 'AAA'), Date.now())) as MessageStatusRecord<Record<string, unknown>>;
  let received = 0;
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => subscribe(run.url, [{ provider: 'BETATEL', id }], () => (received += 1))));
  await waitUntil(() => received >= SUBSCRIBERS, 30_000, 'first answers');
  const lastPerRound: number[] = [];
  const every: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const target = SUBSCRIBERS * (round + 1);
    const at = new Date();
    // New details each round: an event for every subscriber, as a webhook with news would be.
    const offeredAt = performance.now();
    run.app.service.offer('BETATEL', id, { ...template, providerMessageId: id, fetchedAt: at, details: { ...template.details, uuid: id, deliveryTimeMs: round } }, at.getTime());
    await waitUntil(() => received >= target, 30_000, `round ${round}`);
    const arrivals = subs.map((s) => s.arrivals[round]! - offeredAt);
    every.push(...arrivals);
    lastPerRound.push(Math.max(...arrivals));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(subs.map((s) => s.close()));
  await waitUntil(() => run.app.live.open === 0, 10_000, 'subscriptions to close');
  lastPerRound.sort((a, b) => a - b);
  every.sort((a, b) => a - b);
  return { lastP50: percentile(lastPerRound, 50), lastP99: percentile(lastPerRound, 99), lastMax: lastPerRound.at(-1)!, eachP50: percentile(every, 50), eachP99: percentile(every, 99) };
}

/** 2. SUBSCRIBERS subscribers over IDS moving ids, no webhooks, SECONDS of real time at the default backoff. */
async function upstreamCalls(run: Running) {
  run.sandbox.simulators.BETATEL!.simulator.reset();
  const ids = Array.from({ length: IDS }, (_, i) => ulid(i, 'BBB'));
  const startedAt = Date.now();
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, (_, i) => subscribe(run.url, [{ provider: 'BETATEL', id: ids[i % IDS]! }])));
  const openedInS = (Date.now() - startedAt) / 1000;
  const perSecond: number[] = [];
  for (let s = 0; s < SECONDS; s += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    perSecond.push(run.sandbox.simulators.BETATEL!.simulator.requests.length);
  }
  const calls = run.sandbox.simulators.BETATEL!.simulator.requests.length;
  const elapsedS = (Date.now() - startedAt) / 1000;
  const stillWatched = run.app.watchers.size;
  await Promise.all(subs.map((s) => s.close()));
  await waitUntil(() => run.app.live.open === 0 && run.app.watchers.size === 0, 10_000, 'subscriptions to close');
  const lastTen = perSecond.at(-1)! - perSecond.at(-11)!;
  return { calls, elapsedS, openedInS, perMinute: (calls / elapsedS) * 60, lastTenSecondsPerMinute: lastTen * 6, stillWatched, naivePerMinute: SUBSCRIBERS * 30 };
}

/** 3. Heap per open subscription (each on its own message, so a watcher each) and per extra subscriber of a watched message. */
async function memory(run: Running) {
  const heap = () => {
    gc!();
    gc!();
    return process.memoryUsage().heapUsed;
  };
  const measure = async (ids: (i: number) => string) => {
    const before = heap();
    let received = 0;
    const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, (_, i) => subscribe(run.url, [{ provider: 'BETATEL', id: ids(i) }], () => (received += 1))));
    await waitUntil(() => received >= SUBSCRIBERS, 30_000, 'first answers');
    const after = heap();
    await Promise.all(subs.map((s) => s.close()));
    await waitUntil(() => run.app.live.open === 0 && run.app.watchers.size === 0, 10_000, 'subscriptions to close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const released = heap();
    return { perSubscription: (after - before) / SUBSCRIBERS, retainedAfterClose: released - before };
  };
  return { ownMessage: await measure((i) => ulid(i, 'CCC')), sharedMessage: await measure(() => ulid(0, 'DDD')) };
}

const run = await start();
const latency = await fanOut(run);
console.log('fan-out', latency);
const upstream = await upstreamCalls(run);
console.log('upstream', upstream);
const mem = await memory(run);
console.log('memory', mem);
await run.close();

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const report = `# Live path benchmark

\`npm run bench:live\` (bench/live.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}.
Server, sandbox simulators and all SSE clients in one process over loopback (clients' own
cost included, so these are upper bounds of the server's); the machine is shared with other
work, so treat the latencies as rough.

## Time from a change to the last of ${SUBSCRIBERS} subscribers

${SUBSCRIBERS} GraphQL-over-SSE subscriptions (one HTTP connection each) to one Betatel message.
Each of ${ROUNDS} rounds the service learns a change (\`StatusService.offer\`, the entry point
webhooks use) and the clock stops when the last subscriber has parsed the event.

| figure | value |
|---|---|
| last of ${SUBSCRIBERS}, p50 over rounds | ${ms(latency.lastP50)} |
| last of ${SUBSCRIBERS}, p99 over rounds | ${ms(latency.lastP99)} |
| last of ${SUBSCRIBERS}, worst round | ${ms(latency.lastMax)} |
| any one subscriber, p50 over all deliveries | ${ms(latency.eachP50)} |
| any one subscriber, p99 over all deliveries | ${ms(latency.eachP99)} |

Each event is resolved once per subscriber (scopes and masking are per caller), so the cost
grows with subscribers × fields; the offer itself is one map lookup to the message's watcher.

## Upstream calls with no webhooks: ${SUBSCRIBERS} subscribers on ${IDS} moving ids

${SECONDS} s run at the default watcher backoff (2 s doubling to 60 s, reset on a new state),
sandbox ids that advance with real time (PENDING, SENT at 2 s, DELIVERED at 5 s, READ at
12 s; one in ten of them fails at 5 s and is delivered at 8 s, one expires, one is deleted; all final by 12 s).

| figure | value |
|---|---|
| time to open the ${SUBSCRIBERS} subscriptions (first answers included) | ${upstream.openedInS.toFixed(1)} s |
| upstream GETs in the run (first answers included) | ${upstream.calls} in ${upstream.elapsedS.toFixed(1)} s |
| average rate over the run | ${upstream.perMinute.toFixed(0)} per minute |
| rate over the last 10 s, per minute | ${upstream.lastTenSecondsPerMinute} |
| messages still watched at the end (not final) | ${upstream.stillWatched} |
| ${SUBSCRIBERS} clients each polling every 2 s, for comparison | ${upstream.naivePerMinute} per minute |

Extrapolation, stated as such: the first minute is the busiest (every id's first answer,
then polls at 2, 6, 14, 30 s after each start or new state). Messages that become final stop
costing anything. A message that never becomes final settles at one poll per
WATCHER_POLL_MAX_MS (60 s), so the steady state is at most one call per minute per watched
non-final message, whatever the number of subscribers: here at most ${upstream.stillWatched} per minute.

## Memory per open subscription

Heap used after a forced GC with ${SUBSCRIBERS} subscriptions open, minus before, per subscription
(client-side objects of the in-process SSE clients included).

| case | per subscription | retained after all closed |
|---|---|---|
| each on its own message (one watcher each) | ${kib(mem.ownMessage.perSubscription)} | ${kib(mem.ownMessage.retainedAfterClose)} |
| all on one message (one shared watcher) | ${kib(mem.sharedMessage.perSubscription)} | ${kib(mem.sharedMessage.retainedAfterClose)} |

The retained column is not subscription state (open subscriptions and watchers are back to 0
when it is read): the status cache keeps the answers of the ids looked up (up to
CACHE_MAX_ENTRIES), the simulators remember the ids they saw, and the in-process clients keep
their sockets. Per subscription the server holds its stream (a few small maps bounded by its
refs), one listener in the watcher of each of its messages, and yoga's SSE response; the
figure above is dominated by the HTTP connection on both ends (undici fetch client included).
`;
writeFileSync(new URL('./LIVE.md', import.meta.url), report);
console.log(report);
