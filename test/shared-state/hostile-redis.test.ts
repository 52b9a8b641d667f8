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

/** A valid record of another message, as Redis would hold it: the real thing, stolen from the cache. */
async function storedText(id: string): Promise<string> {
  await lookup(id);
  let text: unknown;
  await until(async () => typeof (text = await raw.run('test_get', (r) => r.get(raw.key(`cache:D7:${id}`)))) === 'string');
  return text as string;
}

const jsonish = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('', 'null', '{"v":1}', '{"v":1,"checkedAt":1,"record":{}}', '{"key":"D7:x","answer":null}'));

describe('hostile Redis content', () => {
  it('garbage in cache entries, status events, single-flight answers and leases: the answer is the provider\'s, and the replica still serves', async () => {
    const foreign = await storedText(freshId());
    await fc.assert(
      // The victim's entry: garbage, or a valid entry about another message.
      fc.asyncProperty(fc.oneof(jsonish, fc.constant(foreign)), jsonish, jsonish, async (entry, event, flight) => {
        // A fresh id each run: nothing local, so the replica reads the planted entry, then finds
        // the planted lock and waits for the holder's answer, which the hostile side publishes.
        const victim = freshId();
        const key = `D7:${victim}`;
        const envelope = (payload: unknown) => JSON.stringify({ v: 1, from: 'hostile', event: payload });
        await raw.run('test_hostile', (r) =>
          r
            .pipeline()
            .set(raw.key(`cache:${key}`), entry, 'PX', 5_000)
            .set(raw.key(`watcher:${key}`), entry, 'PX', 5_000)
            .set(raw.key(`flight:${key}`), entry, 'PX', 300)
            .exec(),
        );
        const answering = h.query<{ d7Report: Report | null }>(`query($id: ID!) { d7Report(requestId: $id) { requestId state messages { msgId } } }`, { id: victim });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await raw.publish('status-events', event);
        await raw.publish('status-events', envelope(event));
        await raw.publish('status-events', envelope({ key, answer: JSON.parse(foreign) as unknown }));
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
