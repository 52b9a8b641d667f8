import { describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../src/domain/provider-failure.js';
import type { ProviderClient } from '../../src/providers/provider.js';
import { loadConfig } from '../../src/config.js';
import { StatusService } from '../../src/status-service.js';

const { resilience, cache } = loadConfig({});

const client = (fetchStatus: ProviderClient['fetchStatus']): ProviderClient => ({ fetchStatus, close: async () => {} });

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
});
