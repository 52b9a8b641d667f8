import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeptPart } from '../../src/lookup/kept-part.js';
import { createD7Merge } from '../../src/providers/d7/merge.js';
import type { D7Record } from '../../src/providers/d7/normalize.js';
import { reportFromEvent } from '../../src/providers/d7/webhook.js';
import { providers } from '../../src/providers/registry.js';
import { connectRedis, type RedisConnection } from '../../src/shared-state/connection.js';
import { RedisKeptJournal } from '../../src/shared-state/kept-journal.js';
import { createAnswerCodec } from '../../src/shared-state/stored-answer.js';
import { capturingLogger, redisSettings, startOwnRedis, until, type OwnRedis } from '../helpers/redis.js';
import { d7Event } from '../helpers/webhooks.js';

// The deployment's journal of kept webhook parts (issue 23 item 1): what one replica keeps, every
// other one can finish.

const codec = createAnswerCodec(providers);
const merge = createD7Merge();
const msg = (n: number) => `6d29d646-4e09-11ee-84f6-${String(n).padStart(12, '0')}`;
let serial = 0;
const freshId = () => `00000000-0000-4000-a023-${String(++serial).padStart(12, '0')}`;

function part(id: string, n: number, status: string, at: number, ttlMs = 60_000): KeptPart {
  return { part: msg(n), record: reportFromEvent(id, d7Event(id, msg(n), status, at) as never, msg(n), at, at), observedAt: at, receivedAt: at, expiresAt: at + ttlMs };
}
const statusOf = (kept: KeptPart | undefined) => (kept?.record as D7Record | undefined)?.details.messages[0]?.status;

let own: OwnRedis;
let connections: RedisConnection[];
/** Two replicas' journals on one Redis. */
let journals: [RedisKeptJournal, RedisKeptJournal];

beforeAll(async () => {
  own = await startOwnRedis();
  const settings = redisSettings(own.url, { commandTimeoutMs: 2_000 });
  connections = [0, 1].map(() => connectRedis(settings, { logger: capturingLogger().logger }));
  journals = connections.map((c) => new RedisKeptJournal(c, codec, 100)) as [RedisKeptJournal, RedisKeptJournal];
  await until(() => connections.every((c) => c.state === 'up'));
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await own.stop();
});

describe('the journal of kept webhook parts in Redis', () => {
  it('merges the versions of one part that two replicas keep, by the status merge, and reads them back whole', async () => {
    const id = freshId();
    const now = Date.now();
    const [a, b] = journals;
    expect((await a.keep('D7', id, part(id, 1, 'read', now), merge, now)).outcome).toBe('kept');
    expect((await b.keep('D7', id, part(id, 1, 'delivered', now + 1), merge, now)).outcome).toBe('kept');
    const [read] = await a.read(`D7:${id}`);
    expect(statusOf(read)).toBe('read');
    expect(read).toMatchObject({ part: msg(1), observedAt: now, receivedAt: now + 1, expiresAt: now + 60_001 });
    expect((read!.record as D7Record).details.messages[0]).toMatchObject({ msgId: msg(1), state: 'READ', unconfirmedSince: now });
  });

  it('a claim leases a due record to one replica; when its holder dies the lease ends and another takes it over', async () => {
    const id = freshId();
    const now = Date.now();
    const [a, b] = journals;
    await a.keep('D7', id, part(id, 1, 'delivered', now), merge, now);
    const first = (await a.claim(now, 100, now + 1_000)).filter((e) => e.id === id);
    expect(first.map((e) => e.parts.map(statusOf))).toEqual([['delivered']]);
    expect((await b.claim(now + 500, 100, now + 1_500)).filter((e) => e.id === id)).toEqual([]);
    // a never settles (it died): after its lease, b claims it, and settles it as shown.
    const taken = (await b.claim(now + 1_000, 100, now + 2_000)).find((e) => e.id === id)!;
    expect(taken.parts.map(statusOf)).toEqual(['delivered']);
    await b.settle(taken, taken.parts, now + 5_000, now + 2_000);
    expect(await a.read(`D7:${id}`)).toEqual([]);
    expect((await b.claim(now + 100_000, 100, now + 101_000)).filter((e) => e.id === id)).toEqual([]);
  });

  it('settling forgets only the version claimed: a newer event kept meanwhile stays, and is due as its keeper said', async () => {
    const id = freshId();
    const now = Date.now();
    const [a, b] = journals;
    await a.keep('D7', id, part(id, 1, 'delivered', now), merge, now);
    const claimed = (await a.claim(now, 100, now + 9_000)).find((e) => e.id === id)!;
    // The other replica receives a newer event for the same message, and will try it itself.
    const kept = await b.keep('D7', id, part(id, 1, 'read', now + 10), merge, now + 1_000);
    expect(kept.outcome).toBe('kept');
    await a.settle(claimed, claimed.parts, now + 30_000, now + 9_000);
    expect((await a.read(`D7:${id}`)).map(statusOf)).toEqual(['read']);
    expect((await a.claim(now + 1_000, 100, now + 10_000)).filter((e) => e.id === id)).toHaveLength(1);
  });

  it('holds at most its bound of parts for the whole deployment; expired ones make room', async () => {
    const own2 = connectRedis(redisSettings(own.url, { commandTimeoutMs: 2_000 }), { logger: capturingLogger().logger });
    await until(() => own2.state === 'up');
    try {
      const journal = new RedisKeptJournal(own2, codec, 2);
      const id = freshId();
      const now = Date.now();
      expect((await journal.keep('D7', id, part(id, 1, 'sent', now, 300), merge, now)).outcome).toBe('kept');
      expect((await journal.keep('D7', id, part(id, 2, 'sent', now), merge, now)).outcome).toBe('kept');
      expect(await journal.keep('D7', id, part(id, 3, 'sent', now), merge, now)).toEqual({ outcome: 'full' });
      // A part kept already takes a newer version at the bound.
      expect((await journal.keep('D7', id, part(id, 2, 'delivered', now), merge, now)).outcome).toBe('kept');
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await journal.keep('D7', id, part(id, 3, 'sent', Date.now()), merge, now)).outcome).toBe('kept');
    } finally {
      await own2.close();
    }
  });

  it('answers unavailable when Redis does not answer, and reads nothing', async () => {
    const id = freshId();
    await own.stop();
    try {
      await until(() => connections[0]!.state !== 'up');
      expect(await journals[0].keep('D7', id, part(id, 1, 'sent', Date.now()), merge, Date.now())).toEqual({ outcome: 'unavailable' });
      expect(await journals[0].read(`D7:${id}`)).toEqual([]);
      expect(await journals[0].claim(Date.now(), 10, Date.now() + 1_000)).toEqual([]);
    } finally {
      await own.start();
    }
  });
});
