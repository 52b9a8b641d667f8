import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sample } from '../helpers/prometheus.js';
import { capturingLogger, redisSettings, subscribed, testRedis, uniquePrefix, until } from '../helpers/redis.js';

// Issue 15: what a replica reads from Redis (cache entries, status events, single-flight answers,
// leases) is input like any other: whatever is found there, or published there, by another
// version, a bug or anyone with access to the Redis, is a miss or dropped, never a crash or an
// answer about another message; and the replica still serves.

let server: Awaited<ReturnType<typeof testRedis>>;
let h: Harness;
let raw: RedisConnection;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await testRedis();
  const prefix = uniquePrefix('hostile');
  h = await startHarness({ env: { REDIS_URL: server.url, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '0' } });
  // Another client on the same Redis and prefix: the hostile side.
  raw = connectRedis(redisSettings(server.url, { keyPrefix: prefix }), { logger: capturingLogger().logger });
  await until(() => raw.state === 'up' && h.app.sharedState?.connection.state === 'up');
  await subscribed(raw, 'status-events', 1);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await raw.close();
  await h.close();
  await server.close();
});

let counter = 0;
const freshId = () => `00000000-0000-4000-c000-${String(++counter).padStart(12, '0')}`;
type Report = { requestId: string; state: string; messages: { msgId: string }[] };
const lookup = async (id: string) =>
  (await h.query<{ d7Report: Report | null }>(`query($id: ID!) { d7Report(requestId: $id, maxAge: 0) { requestId state messages { msgId } } }`, { id })).data?.d7Report;

/** A valid entry of another message, as Redis holds it (its fields), and its answer as an event carries it: the real thing, stolen from the cache. */
async function stolen(id: string): Promise<{ fields: Record<string, string>; answer: unknown }> {
  await lookup(id);
  let fields: Record<string, string> | undefined;
  let answer: unknown;
  await until(async () => Object.keys((fields = await raw.run('test_get', (r) => r.hgetall(raw.key(`entry:D7:${id}`)))) ?? {}).length > 0);
  await until(async () => (answer = await h.app.sharedState!.cache.read(`D7:${id}`)) !== undefined);
  return { fields: fields!, answer: JSON.parse(JSON.stringify(answer)) as unknown };
}

const jsonish = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('', 'null', '{"v":1}', '{"v":1,"checkedAt":1,"record":{}}', '{"key":"D7:x","answer":null}'));

describe('hostile Redis content', () => {
  it('garbage in cache entries, status events, single-flight answers and leases: the answer is the provider\'s, and the replica still serves', async () => {
    const foreign = await stolen(freshId());
    // An entry's fields: garbage in every one of them, or a valid entry about another message.
    const entries = fc.oneof(
      jsonish.map((text): Record<string, string> => ({ k: '1', h: text, c: '1', f: '1', s: '1', n: '1', 'p:': text })),
      jsonish.map((text): Record<string, string> => ({ ...foreign.fields, [Object.keys(foreign.fields).find((f) => f.startsWith('p:'))!]: text })),
      fc.constant(foreign.fields),
    );
    await fc.assert(
      fc.asyncProperty(entries, jsonish, jsonish, fc.boolean(), async (entry, event, flight, partial) => {
        // A fresh id each run: nothing local, so the replica reads the planted entry, then finds
        // the planted lock and waits for the holder's answer, which the hostile side publishes.
        const victim = freshId();
        const key = `D7:${victim}`;
        const envelope = (payload: unknown) => JSON.stringify({ v: 2, from: 'hostile', event: payload });
        await raw.run('test_hostile', (r) =>
          r
            .pipeline()
            .hset(raw.key(`entry:${key}`), entry)
            .pexpire(raw.key(`entry:${key}`), 5_000)
            .set(raw.key(`watcher:${key}`), event, 'PX', 5_000)
            .set(raw.key(`flight:${key}`), event, 'PX', 300)
            .exec(),
        );
        const answering = h.query<{ d7Report: Report | null }>(`query($id: ID!) { d7Report(requestId: $id) { requestId state messages { msgId } } }`, { id: victim });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await raw.publish('status-events', event);
        await raw.publish('status-events', envelope(event));
        await raw.publish('status-events', envelope({ key, answer: foreign.answer, partial }));
        await raw.publish('flight', flight);
        // Wake-ups nobody released: the waiter reads the planted entry (garbage or another message's).
        await raw.publish('flight', `${key}\n${flight}`);
        await raw.publish('flight', `${key}\nanswered`);
        await raw.publish('flight', `${key}\n${flight === '' ? 'failed' : 'answered'}`);
        const answer = (await answering).data?.d7Report;
        // Answered with the provider's record of this message, never another message's.
        expect(answer?.requestId).toBe(victim);
        expect(answer?.messages.length).toBeGreaterThan(0);
        expect(h.app.service.known('D7', victim)?.providerMessageId).toBe(victim);
      }),
      { numRuns: 30 },
    );
    // The planted content was really met: unreadable entries, locks held, answers waited for.
    const metrics = await (await h.get('/metrics')).text();
    expect(sample(metrics, 'redis_cache_reads_total', { result: 'invalid' })).toBeGreaterThan(0);
    expect(sample(metrics, 'redis_single_flight_total', { event: 'held' })).toBeGreaterThan(0);
    expect(sample(metrics, 'redis_single_flight_total', { event: 'answered' })).toBeGreaterThan(0);
    // And it still serves: a fresh id, the health check, no unhandled rejection.
    expect((await lookup(freshId()))?.state).toBeTruthy();
    expect((await h.get('/health')).status).toBe(200);
    expect(unhandled).toEqual([]);
  }, 60_000);
});
