import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeD7Report } from '../../src/providers/d7/normalize.js';
import { d7ReportBody } from '../../src/providers/d7/schema.js';
import { D7_DOCS_EXAMPLE } from '../../src/providers/d7/simulator.js';
import { providers } from '../../src/providers/registry.js';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { EventBus, statusChangeSchema, type EventOrigin, type StatusChange } from '../../src/shared-state/event-bus.js';
import { createAnswerCodec } from '../../src/shared-state/stored-answer.js';
import { capturingLogger, redisSettings, subscribed, testRedis, until } from '../helpers/redis.js';

const codec = createAnswerCodec(providers);
const change: StatusChange = {
  key: `D7:${D7_DOCS_EXAMPLE.request_id}`,
  answer: { record: normalizeD7Report(d7ReportBody.parse({ ...D7_DOCS_EXAMPLE, schedule_time: '2025-06-01T09:00:00Z' }), new Date('2025-05-01T12:00:00.000Z')), checkedAt: 1_746_100_800_000 },
  partial: false,
};

let server: Awaited<ReturnType<typeof testRedis>>;
let one: RedisConnection;
let two: RedisConnection;
let busOne: EventBus<StatusChange>;
let busTwo: EventBus<StatusChange>;
const heardOnOne: [StatusChange, EventOrigin][] = [];
const heardOnTwo: [StatusChange, EventOrigin][] = [];
const ownOnOne: StatusChange[] = [];

beforeAll(async () => {
  server = await testRedis();
  const settings = redisSettings(server.url);
  one = connectRedis(settings, { logger: capturingLogger().logger, replicaId: 'replica-1' });
  two = connectRedis(settings, { logger: capturingLogger().logger, replicaId: 'replica-2' });
  busOne = new EventBus(one, 'status-events', statusChangeSchema(codec));
  busTwo = new EventBus(two, 'status-events', statusChangeSchema(codec));
  busOne.subscribe((event, origin) => heardOnOne.push([event, origin]));
  busOne.subscribe((event) => ownOnOne.push(event), { includeOwn: true });
  busTwo.subscribe((event, origin) => heardOnTwo.push([event, origin]));
  await until(() => one.state === 'up' && two.state === 'up');
  await subscribed(one, 'status-events', 2);
});
afterAll(async () => {
  await one.close();
  await two.close();
  await server.close();
});

describe('status events across replicas', () => {
  it('an event published on replica 1 reaches replica 2 whole (Dates in details too), and not replica 1 unless asked', async () => {
    expect(await busOne.publish(change)).toBe(true);
    await until(() => heardOnTwo.length === 1 && ownOnOne.length === 1, 1_000);
    expect(heardOnTwo).toEqual([[change, { replicaId: 'replica-1', own: false }]]);
    expect(ownOnOne).toEqual([change]);
    expect(heardOnOne).toEqual([]);
  });

  it('drops messages that are not valid events (garbage, other versions, bad records) and keeps delivering valid ones', async () => {
    heardOnTwo.length = 0;
    const valid = JSON.parse(JSON.stringify(change)) as { key: string; answer: { record: Record<string, unknown> } };
    for (const raw of [
      'not json',
      // Version 1 carried whole records only: its events are not these.
      JSON.stringify({ v: 1, from: 'replica-9', event: valid }),
      JSON.stringify({ v: 3, from: 'replica-9', event: valid }),
      JSON.stringify({ v: 2, event: valid }),
      JSON.stringify({ v: 2, from: 'replica-9', event: { ...valid, answer: { ...valid.answer, record: { ...valid.answer.record, provider: 'OTHER' } } } }),
      JSON.stringify({ v: 2, from: 'replica-9', event: { key: 42, answer: valid.answer, partial: false } }),
      JSON.stringify({ v: 2, from: 'replica-9', event: { ...valid, partial: undefined } }),
    ]) {
      expect(await one.publish('status-events', raw)).toBeGreaterThan(0);
    }
    await busOne.publish(change);
    await until(() => heardOnTwo.length >= 1, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heardOnTwo).toEqual([[change, { replicaId: 'replica-1', own: false }]]);
  });

  it('an unsubscribed listener hears nothing more', async () => {
    const heard: StatusChange[] = [];
    const stop = busTwo.subscribe((event) => heard.push(event));
    await busOne.publish(change);
    await until(() => heard.length === 1, 1_000);
    stop();
    await busOne.publish(change);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(1);
  });
});
