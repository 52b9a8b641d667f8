/**
 * Bounded chaos run: a fixed request rate for a fixed time against loopback
 * simulators that misbehave on about 20% of requests. Prints what came back,
 * and exits 1 on any wrong answer or crash.
 *
 *   npm run chaos -- [--seconds 60] [--rate 40] [--batch 5] [--fault-rate 0.2]
 *
 * npm run chaos starts Node with --expose-gc so the end heap figure is measured after a collection.
 */
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { BETATEL_SANDBOX } from '../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../src/providers/d7/simulator.js';
import { providers } from '../src/providers/registry.js';
import { serveSimulator } from '../src/sandbox/serve.js';
import { withSandboxProviders } from '../src/sandbox/start-sandbox.js';
import { uuidFrom } from '../src/sandbox/simulator-kit.js';
import { withFaults, type FaultKind } from './chaos-faults.js';
import { wrongness, type Item, type Ref } from './chaos-check.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '40' },
    batch: { type: 'string', default: '5' },
    'fault-rate': { type: 'string', default: '0.2' },
  },
});
const seconds = Number(args.seconds);
const rate = Number(args.rate);
const batch = Number(args.batch);
const faultRate = Number(args['fault-rate']);

const crashes: string[] = [];
process.on('unhandledRejection', (reason) => crashes.push(`unhandledRejection: ${String(reason)}`));
process.on('uncaughtException', (error) => crashes.push(`uncaughtException: ${String(error)}`));

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const rssStart = process.memoryUsage().rss;
const heapStart = process.memoryUsage().heapUsed;

// Shorter timeouts than production so hung calls do not dominate a one-minute run; the environment can override.
const env = {
  LOG_LEVEL: 'silent',
  UPSTREAM_TIMEOUT_MS: '1000',
  UPSTREAM_ATTEMPT_TIMEOUT_MS: '1500',
  REQUEST_DEADLINE_MS: '3000',
  BREAKER_HALF_OPEN_MS: '2000',
  // One load client that checks every field: anonymous callers see numbers and text in clear,
  // and the per-client rate limit (600/min) would refuse the run's own 40 requests/s.
  ANONYMOUS_SCOPES: 'status:read pii:read content:read',
  RATE_LIMIT_PER_MINUTE: '0',
  ...process.env,
};

const faulty = providers.map((p) => withFaults(p.sandbox.createSimulator(), faultRate));
const running = await Promise.all(faulty.map((f) => serveSimulator(f.simulator)));
const sandbox = {
  simulators: Object.fromEntries(providers.map((p, i) => [p.key, running[i]!])),
  close: async () => void (await Promise.all(running.map((r) => r.close()))),
};
const config = withSandboxProviders(loadConfig(env, providers), sandbox);
const app = createApp(config, { logger: createLogger({ level: 'silent', pretty: false }) });

// Ids: 40 generated per provider (their states advance during the run) and every documented one.
const ULID_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const generatedUlid = (n: number) => `01KB${Array.from({ length: 22 }, (_, i) => ULID_CHARS[(n * 7 + i * 13) % 32]).join('')}`;
const pool: Ref[] = [
  ...Array.from({ length: 40 }, (_, n): Ref => ({ provider: 'D7', id: uuidFrom(`chaos-${n}`, 4) })),
  ...Array.from({ length: 40 }, (_, n): Ref => ({ provider: 'BETATEL', id: generatedUlid(n) })),
  ...Object.entries(D7_SANDBOX).filter(([name]) => name !== 'slow').map(([, id]): Ref => ({ provider: 'D7', id })),
  ...Object.entries(BETATEL_SANDBOX).filter(([name]) => name !== 'slow').map(([, id]): Ref => ({ provider: 'BETATEL', id })),
];
const pick = () => pool[Math.floor(Math.random() * pool.length)]!;

const QUERY = /* GraphQL */ `
  query Chaos($refs: [MessageRef!]!, $maxAge: Int) {
    messageStatuses(refs: $refs, maxAge: $maxAge) {
      __typename
      ... on MessageStatus { provider providerMessageId state isFinal fetchedAt }
      ... on D7Report { requestId messages { msgId recipient status state } }
      ... on BetatelWdr { uuid to whatsappMessageId status }
      ... on LookupError { provider providerMessageId retryable message }
      ... on ProviderError { code }
    }
  }
`;

const totals = { sent: 0, answered: 0, items: 0, data: 0, typedErrors: 0, notFound: 0, wrong: 0, circuitOpen: 0, bulkheadFull: 0 };
const errorCodes = new Map<string, number>();
const wrongSamples: string[] = [];
const latencies: number[] = [];

async function oneRequest(): Promise<void> {
  totals.sent += 1;
  const refs = Array.from({ length: batch }, pick);
  // One request in ten demands fresh data.
  const maxAge = Math.random() < 0.1 ? 0 : undefined;
  const started = performance.now();
  try {
    const res = await app.yoga.fetch('http://chaos.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: QUERY, variables: { refs, maxAge } }),
    });
    const body = (await res.json()) as { data?: { messageStatuses: Item[] } | null; errors?: unknown[] };
    latencies.push(performance.now() - started);
    if (res.status !== 200 || body.errors || !body.data) {
      crashes.push(`request failed as a whole: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
      return;
    }
    totals.answered += 1;
    const items = body.data.messageStatuses;
    if (items.length !== refs.length) {
      totals.wrong += 1;
      wrongSamples.push(`${items.length} items for ${refs.length} refs`);
    }
    refs.forEach((ref, i) => {
      const item = items[i];
      totals.items += 1;
      const why = wrongness(ref, item);
      if (why) {
        totals.wrong += 1;
        if (wrongSamples.length < 10) wrongSamples.push(`${ref.provider} ${ref.id}: ${why}`);
        return;
      }
      if (item!.__typename === 'ProviderError') {
        totals.typedErrors += 1;
        const code = String(item!.code);
        errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
        // Answers the policy gave without calling the provider.
        if (/circuit open/.test(String(item!.message))) totals.circuitOpen += 1;
        if (/too many lookups/.test(String(item!.message))) totals.bulkheadFull += 1;
      } else if (item!.__typename === 'MessageNotFound') totals.notFound += 1;
      else totals.data += 1;
    });
  } catch (error) {
    crashes.push(`request threw: ${String(error)}`);
  }
}

console.log(`chaos: ${seconds} s at ${rate} requests/s, ${batch} refs each, ${Math.round(faultRate * 100)}% of upstream requests faulty`);
const inFlight = new Set<Promise<void>>();
const interval = 1000 / rate;
const startedAt = Date.now();
let next = startedAt;
// A fixed rate: requests are sent on schedule whether or not earlier ones have answered.
while (Date.now() - startedAt < seconds * 1000) {
  const p = oneRequest().finally(() => inFlight.delete(p));
  inFlight.add(p);
  next += interval;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
}
await Promise.all(inFlight);
const elapsed = (Date.now() - startedAt) / 1000;

await app.close();
await sandbox.close();
// With --expose-gc, collect first so the end figures show what is retained, not garbage not yet collected.
(globalThis as { gc?: () => void }).gc?.();
const rssEnd = process.memoryUsage().rss;
const heapEnd = process.memoryUsage().heapUsed;

latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
const injected = new Map<FaultKind, number>();
for (const f of faulty) for (const [kind, n] of f.injected) injected.set(kind, (injected.get(kind) ?? 0) + n);
const upstream = faulty.reduce((sum, f) => sum + f.hits, 0);
const faultsTotal = [...injected.values()].reduce((a, b) => a + b, 0);

console.log(`duration:           ${elapsed.toFixed(1)} s`);
console.log(`requests sent:      ${totals.sent}`);
console.log(`requests answered:  ${totals.answered}`);
console.log(`items:              ${totals.items}`);
console.log(`items with data:    ${totals.data}`);
console.log(`items not found:    ${totals.notFound}`);
console.log(`items typed errors: ${totals.typedErrors} (${[...errorCodes].map(([c, n]) => `${c} ${n}`).join(', ')})`);
console.log(`  of which refused:  circuit open ${totals.circuitOpen}, bulkhead full ${totals.bulkheadFull}`);
console.log(`wrong answers:      ${totals.wrong}`);
console.log(`crashes:            ${crashes.length}`);
console.log(`upstream requests:  ${upstream} (faults injected: ${faultsTotal}; ${[...injected].map(([k, n]) => `${k} ${n}`).join(', ')})`);
console.log(`latency ms:         p50 ${pct(0.5)}, p99 ${pct(0.99)}, max ${pct(1)}`);
console.log(`RSS MB:             start ${mb(rssStart)}, end ${mb(rssEnd)}`);
console.log(`heap used MB:       start ${mb(heapStart)}, end ${mb(heapEnd)}${'gc' in globalThis ? ' (after a forced GC)' : ''}`);
for (const sample of wrongSamples) console.log(`  wrong: ${sample}`);
for (const crash of crashes.slice(0, 10)) console.log(`  crash: ${crash}`);
process.exitCode = totals.wrong === 0 && crashes.length === 0 ? 0 : 1;
