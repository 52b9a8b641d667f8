import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { DeliveryState } from '../../../src/domain/delivery-state.js';
import { isFinalState } from '../../../src/domain/delivery-state.js';
import type { MessageStatusRecord } from '../../../src/domain/message-status.js';
import { ProviderFailure } from '../../../src/domain/provider-failure.js';
import { RequestDeadline } from '../../../src/lookup/deadline.js';
import { StatusLoader } from '../../../src/lookup/loader.js';
import { StatusService } from '../../../src/lookup/status-service.js';
import type { ProviderClient } from '../../../src/providers/provider.js';
import { providers } from '../../../src/providers/registry.js';

const { resilience, cache } = loadConfig({}, providers);
const client = (fetchStatus: ProviderClient['fetchStatus']): ProviderClient => ({ fetchStatus, close: async () => {} });
const rules = new Map([['D7', { parseId: (raw: string) => raw.toLowerCase() }]]);

const record = (id: string, state: DeliveryState = 'SENT', fetchedAt = Date.now()): MessageStatusRecord => ({
  provider: 'D7',
  providerMessageId: id,
  state,
  isFinal: isFinalState(state),
  fetchedAt: new Date(fetchedAt),
  details: {},
});

/** A client whose answers the test releases by hand, counting calls. */
function gatedClient(state: DeliveryState = 'SENT') {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const c = client(async (id) => {
    calls.push(id);
    const startedAt = Date.now();
    await new Promise<void>((resolve) => gates.push(resolve));
    return record(id, state, startedAt);
  });
  return { client: c, calls, releaseAll: () => gates.splice(0).forEach((open) => open()) };
}

describe('StatusService', () => {
  it('turns a bug in a client into a typed BAD_RESPONSE that does not echo the internal message', async () => {
    const service = new StatusService(new Map([['D7', client(async () => { throw new TypeError('secret internals at x.ts:1'); })]]), { resilience, cache });
    const error = await Promise.resolve(service.lookup('D7', 'id')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderFailure);
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', provider: 'D7', retryable: false });
    expect((error as Error).message).not.toMatch(/secret internals/);
  });

  it('passes ProviderFailures through unchanged and answers NOT_CONFIGURED for an unknown provider', async () => {
    const failure = new ProviderFailure({ provider: 'D7', code: 'TIMEOUT', message: 'D7 did not answer in time' });
    const service = new StatusService(new Map([['D7', client(async () => { throw failure; })]]), { resilience, cache });
    await expect(service.lookup('D7', 'id')).rejects.toBe(failure);
    await expect(service.lookup('OTHER', 'id')).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
  });

  it('shares one call between requests; one request reaching its deadline does not fail the others', async () => {
    const gated = gatedClient();
    const service = new StatusService(new Map([['D7', gated.client]]), { resilience, cache });
    const loader = (deadlineInMs: number) => new StatusLoader(service, { startedAt: Date.now(), deadline: new RequestDeadline(Date.now() + deadlineInMs), concurrency: 16 });
    const first = loader(20).load('D7', 'a');
    const second = loader(60_000).load('D7', 'a');
    const third = service.lookup('D7', 'a');
    await expect(first).rejects.toMatchObject({ code: 'TIMEOUT', provider: 'D7' });
    gated.releaseAll();
    await expect(second).resolves.toMatchObject({ providerMessageId: 'a' });
    await expect(third).resolves.toMatchObject({ providerMessageId: 'a' });
    expect(gated.calls).toEqual(['a']);
  });

  it('joins a call in flight only when it started no earlier than the caller accepts (maxAge)', async () => {
    const gated = gatedClient();
    const service = new StatusService(new Map([['D7', gated.client]]), { resilience, cache });
    const early = service.lookup('D7', 'a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const demandStart = Date.now();
    // Started before this caller's request began: not good enough, a new call starts.
    const fresh = service.lookup('D7', 'a', demandStart);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Started after: joined.
    const joiner = service.lookup('D7', 'a', demandStart);
    await new Promise((resolve) => setTimeout(resolve, 5));
    gated.releaseAll();
    await Promise.all([early, fresh, joiner]);
    expect(gated.calls).toEqual(['a', 'a']);
  });

  it('answers later lookups from the cache, at once, and not from it when told the entry is too old', async () => {
    let calls = 0;
    const service = new StatusService(new Map([['D7', client(async (id) => { calls += 1; return record(id, 'READ'); })]]), { resilience, cache });
    const first = await service.lookup('D7', 'a');
    // A hit is the value itself, not a promise: no wrapper on the hot path.
    expect(service.lookup('D7', 'a')).toBe(first);
    expect(calls).toBe(1);
    await service.lookup('D7', 'a', Date.now() + 1);
    expect(calls).toBe(2);
  });

  it('refuses a body about another message as BAD_RESPONSE, counts and logs it once, and caches nothing', async () => {
    const warnings: object[] = [];
    const wrong: string[] = [];
    const metrics = {
      forProvider: () => ({ cacheHit() {}, cacheMiss() {}, sharedInFlight() {}, wrongMessage: () => wrong.push('D7'), regression() {} }),
      observeBreakerStates() {},
      observeBulkheads() {},
    };
    let calls = 0;
    const service = new StatusService(new Map([['D7', client(async () => { calls += 1; return record('B-OTHER', 'READ'); })]]), {
      resilience,
      cache,
      rules,
      metrics,
      log: { warn: (fields) => warnings.push(fields), info: () => {} },
    });
    await expect(service.lookup('D7', 'a-asked')).rejects.toMatchObject({ code: 'BAD_RESPONSE', message: expect.stringMatching(/another message/) });
    await expect(service.lookup('D7', 'a-asked')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    expect(calls).toBe(2);
    expect(service.known('D7', 'a-asked')).toBeUndefined();
    expect(wrong).toEqual(['D7', 'D7']);
    expect(warnings).toEqual([
      { provider: 'D7', id: 'a-asked', answeredId: 'B-OTHER' },
      { provider: 'D7', id: 'a-asked', answeredId: 'B-OTHER' },
    ]);
  });

  it('compares ids in the provider canonical form (an upper-case UUID in the body is the same message)', async () => {
    const service = new StatusService(new Map([['D7', client(async () => record('AB-CD', 'READ'))]]), { resilience, cache, rules });
    await expect(service.lookup('D7', 'ab-cd')).resolves.toMatchObject({ state: 'READ' });
  });

  it('an older call that finishes late does not replace a newer answer (answers ordered by call start)', async () => {
    const gates: (() => void)[] = [];
    const states: DeliveryState[] = ['DELIVERED', 'READ'];
    const service = new StatusService(
      new Map([
        [
          'D7',
          client(async (id) => {
            const startedAt = Date.now();
            const state = states.shift()!;
            await new Promise<void>((resolve) => gates.push(resolve));
            return record(id, state, startedAt);
          }),
        ],
      ]),
      { resilience, cache, rules },
    );
    const older = service.lookup('D7', 'x', 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = service.lookup('D7', 'x', Date.now());
    await new Promise((resolve) => setTimeout(resolve, 5));
    gates[1]!(); // READ, started later, answers first
    expect(await newer).toMatchObject({ state: 'READ', isFinal: true });
    gates[0]!(); // DELIVERED, started earlier, answers last
    expect(await older).toMatchObject({ state: 'READ' });
    expect(service.known('D7', 'x')).toMatchObject({ state: 'READ' });
  });
});
