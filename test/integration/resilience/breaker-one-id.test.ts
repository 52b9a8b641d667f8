import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { freshD7Id, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { lookupD7 as lookup } from '../../helpers/d7-lookup.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

/*
 * The circuit of a provider is shared by every client. One message id the provider always fails
 * on (the sandbox's serverError id answers 500) used to open D7's circuit for everyone after
 * BREAKER_THRESHOLD asks in a row. A run of faults now opens it only once it spans
 * BREAKER_THRESHOLD distinct ids (breaker.ts): a real outage fails every id and still opens it.
 */

/** The provider's own failure, not the circuit's refusal. */
const upstreamFailure = expect.objectContaining({ __typename: 'ProviderError', message: expect.not.stringMatching(/circuit open/) });

describe('one failing message id, asked again and again (sandbox simulators)', () => {
  let h: Harness;
  const asked = (id: string) => h.simulator('D7').requests.filter((requested) => requested === id).length;
  beforeAll(async () => {
    // The slow id answers after 5 s; the attempt timeout (a fault of the provider's) ends it at 300 ms.
    h = await startHarness({ env: { BREAKER_THRESHOLD: '5', UPSTREAM_ATTEMPT_TIMEOUT_MS: '300' }, simulator: { slowMs: 5_000 } });
  });
  afterAll(() => h.close());

  it('the serverError id asked 40 times (one by one, then 5 clients at once) does not stop another id from answering', async () => {
    for (let i = 0; i < 20; i += 1) expect(await lookup(h, D7_SANDBOX.serverError)).toEqual([expect.objectContaining({ __typename: 'ProviderError', code: 'UNAVAILABLE' })]);
    for (let round = 0; round < 4; round += 1) {
      const burst = await Promise.all(Array.from({ length: 5 }, () => lookup(h, D7_SANDBOX.serverError)));
      expect(burst.flat()).toEqual(Array.from({ length: 5 }, () => upstreamFailure));
    }
    // Every ask reached the provider (concurrent ones may share a call): none was refused by an open circuit.
    expect(asked(D7_SANDBOX.serverError)).toBeGreaterThanOrEqual(24);
    expect(h.app.service.circuitState('D7')).toBe('Closed');
    expect(await lookup(h, D7_SANDBOX.example)).toEqual([{ __typename: 'D7Report', requestId: D7_SANDBOX.example }]);
  });

  it('a client rotating the three failing D7 sandbox ids (500, 429, slow) does not open it either', async () => {
    const poisoned = [D7_SANDBOX.serverError, D7_SANDBOX.rateLimited, D7_SANDBOX.slow];
    for (let round = 0; round < 4; round += 1) {
      for (const id of poisoned) expect(await lookup(h, id)).toEqual([upstreamFailure]);
    }
    expect(h.app.service.circuitState('D7')).toBe('Closed');
    const other = freshD7Id();
    expect(await lookup(h, other)).toEqual([{ __typename: 'D7Report', requestId: other }]);
  });
});

/** For the enclosing describe: a harness whose D7 is the fault server, with `env`. */
function onFaultServer(env: Record<string, string>): { faults: FaultServer; h: Harness } {
  const served = {} as { faults: FaultServer; h: Harness };
  beforeAll(async () => {
    served.faults = await startFaultServer();
    served.h = await startHarness({ env, baseUrls: { D7: served.faults.url } });
  });
  afterAll(async () => {
    await served.h.close();
    await served.faults.close();
  });
  return served;
}

describe('an outage over many ids (fault server)', () => {
  const served = onFaultServer({ BREAKER_THRESHOLD: '5', BREAKER_HALF_OPEN_MS: '600000' });

  it('still opens the circuit at the fifth distinct failing id, repeats in between or not', async () => {
    const { faults, h } = served;
    const failing = Array.from({ length: 5 }, () => freshD7Id());
    for (const id of failing) faults.script(id, { kind: 'status', status: 500 });
    for (const id of failing.slice(0, 4)) {
      expect(await lookup(h, id)).toEqual([upstreamFailure]);
      // A repeat of an id already failing adds nothing, and does not end the run either.
      expect(await lookup(h, failing[0]!)).toEqual([upstreamFailure]);
    }
    expect(h.app.service.circuitState('D7')).toBe('Closed');
    expect(await lookup(h, failing[4]!)).toEqual([upstreamFailure]);
    expect(h.app.service.circuitState('D7')).toBe('Open');

    // Open for everyone: a healthy id is refused here, nothing goes upstream.
    const healthy = freshD7Id();
    expect(await lookup(h, healthy)).toEqual([expect.objectContaining({ __typename: 'ProviderError', code: 'UNAVAILABLE', message: expect.stringMatching(/circuit open/) })]);
    expect(faults.hits(healthy)).toBe(0);
  });
});

describe('after an outage, one message the provider still fails on (fault server)', () => {
  const HALF_OPEN_MS = 300;
  const served = onFaultServer({ BREAKER_THRESHOLD: '5', BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS), CACHE_MAX_ENTRIES: '0' });

  it('cannot hold the circuit open by being the half-open probe again and again', async () => {
    const { faults, h } = served;
    // A real outage over 5 ids opens the circuit.
    const outage = Array.from({ length: 5 }, () => freshD7Id());
    for (const id of outage) faults.script(id, { kind: 'status', status: 500 });
    for (const id of outage) await lookup(h, id);
    expect(h.app.service.circuitState('D7')).toBe('Open');
    // The provider recovers but for one record, which a client asks for first in every window.
    const poisoned = outage[0]!;
    for (const id of outage.slice(1)) faults.script(id, { kind: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_MS + 20));
    // It is the probe of the window, and asks again at once, again and again: each is a probe that fails…
    for (let ask = 0; ask < 3; ask += 1) expect(await lookup(h, poisoned)).toEqual([upstreamFailure]);
    expect(h.app.service.circuitState('D7')).toBe('Open');
    // …but says nothing new of the provider: another client's lookup is the next probe, goes upstream and answers.
    const healthy = freshD7Id();
    expect(await lookup(h, healthy)).toEqual([expect.objectContaining({ __typename: 'D7Report', requestId: healthy })]);
    expect(faults.hits(healthy)).toBe(1);
    expect(h.app.service.circuitState('D7')).toBe('Closed');
  });
});
