import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { MessageStatusRecord } from '../../src/domain/message-status.js';
import { ProviderFailure } from '../../src/domain/provider-failure.js';
import type { ProviderClient } from '../../src/providers/provider.js';
import { StatusService } from '../../src/status-service.js';

const { resilience, cache } = loadConfig({});
const client = (fetchStatus: ProviderClient['fetchStatus']): ProviderClient => ({ fetchStatus, close: async () => {} });

const record = (id: string, isFinal = false): MessageStatusRecord => ({
  provider: 'D7',
  providerMessageId: id,
  state: isFinal ? 'READ' : 'SENT',
  isFinal,
  fetchedAt: new Date(),
  details: {},
});

/** A client whose answers the test releases by hand, counting calls. */
function gatedClient() {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const c = client(async (id) => {
    calls.push(id);
    await new Promise<void>((resolve) => gates.push(resolve));
    return record(id);
  });
  return { client: c, calls, releaseAll: () => gates.splice(0).forEach((open) => open()) };
}

describe('StatusService', () => {
  it('turns a bug in a client into a typed BAD_RESPONSE that does not echo the internal message', async () => {
    const service = new StatusService(new Map([['D7', client(async () => { throw new TypeError('secret internals at x.ts:1'); })]]), { resilience, cache });
    const error = await service.lookup('D7', 'id').catch((e: unknown) => e);
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

  it('shares one call between callers; one caller reaching its deadline does not fail the others', async () => {
    const gated = gatedClient();
    const service = new StatusService(new Map([['D7', gated.client]]), { resilience, cache });
    const impatient = new AbortController();
    const first = service.lookup('D7', 'a', { signal: impatient.signal });
    const second = service.lookup('D7', 'a', { signal: new AbortController().signal });
    const third = service.lookup('D7', 'a');
    await new Promise((resolve) => setTimeout(resolve, 10));
    impatient.abort();
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
    const fresh = service.lookup('D7', 'a', { notBefore: demandStart });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Started after: joined.
    const joiner = service.lookup('D7', 'a', { notBefore: demandStart });
    await new Promise((resolve) => setTimeout(resolve, 5));
    gated.releaseAll();
    await Promise.all([early, fresh, joiner]);
    expect(gated.calls).toEqual(['a', 'a']);
  });

  it('answers later lookups from the cache, and not from it when told the entry is too old', async () => {
    let calls = 0;
    const service = new StatusService(new Map([['D7', client(async (id) => { calls += 1; return record(id, true); })]]), { resilience, cache });
    const first = await service.lookup('D7', 'a');
    expect(await service.lookup('D7', 'a')).toBe(first);
    expect(calls).toBe(1);
    await service.lookup('D7', 'a', { notBefore: Date.now() + 1 });
    expect(calls).toBe(2);
  });
});
