import { describe, expect, it } from 'vitest';
import { deadlineTimeout, ProviderFailure } from '../../../src/domain/provider-failure.js';
import { CircuitBreaker } from '../../../src/lookup/policy/breaker.js';
import { judgeFailure } from '../../../src/lookup/policy/retry-rules.js';

/*
 * The circuit is shared by every client: a run of provider faults opens it only once it spans
 * `threshold` distinct message ids. One id the provider always fails on (the sandbox's
 * serverError id), asked by anyone any number of times, must not open it for everyone.
 */

const fault = () => new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: 'D7 answered 500', httpStatus: 500 });
const badCredentials = () => new ProviderFailure({ provider: 'D7', code: 'UNAUTHORIZED', message: 'bad credentials', httpStatus: 401 });

function breakerOf(threshold: number) {
  let now = 0;
  const transitions: [string, number][] = [];
  let calls = 0;
  const breaker = new CircuitBreaker('D7', threshold, 1_000, () => now, (state, failures) => void transitions.push([state, failures]));
  return {
    breaker,
    transitions,
    /** Upstream calls made so far (a refused call makes none). */
    calls: () => calls,
    wait: (ms: number) => void (now += ms),
    fail: (id: string, error: unknown = fault()) =>
      breaker.run(id, () => ((calls += 1), Promise.reject(error)), judgeFailure).catch((caught: unknown) => caught as ProviderFailure),
    answer: (id: string) => breaker.run(id, () => ((calls += 1), Promise.resolve(id)), judgeFailure),
  };
}

describe('circuit breaker: a run of faults counts each message id once', () => {
  it('one id failing 100 times in a row leaves it closed, and every call still goes upstream', async () => {
    const b = breakerOf(5);
    for (let i = 0; i < 100; i += 1) expect(await b.fail('poisoned')).toMatchObject({ httpStatus: 500 });
    expect(b.breaker.state).toBe('Closed');
    expect(b.calls()).toBe(100);
    await expect(b.answer('healthy')).resolves.toBe('healthy');
    expect(b.transitions).toEqual([]);
  });

  it('a client rotating threshold - 1 failing ids (the sandbox has 3 such D7 ids) never opens it', async () => {
    const b = breakerOf(5);
    const poisoned = ['500', '429', 'slow', 'another'];
    for (let round = 0; round < 25; round += 1) for (const id of poisoned) await b.fail(id);
    expect(b.breaker.state).toBe('Closed');
    expect(b.transitions).toEqual([]);
  });

  it('an outage opens it at the threshold-th distinct id, repeats in between included in the logged count', async () => {
    const b = breakerOf(5);
    for (const id of ['a', 'a', 'a', 'b', 'a', 'c', 'd']) await b.fail(id);
    expect(b.breaker.state).toBe('Closed');
    await b.fail('e');
    expect(b.breaker.state).toBe('Open');
    // Failures in a row, as the health log tells them: 8, over 5 ids.
    expect(b.transitions).toEqual([['Open', 8]]);
    // Open: refused at once, whatever the id, without calling.
    const before = b.calls();
    expect(await b.fail('f')).toMatchObject({ code: 'UNAVAILABLE', local: true, message: expect.stringMatching(/circuit open/) });
    expect(b.calls()).toBe(before);
  });

  it('with threshold 1 a single fault still opens it (one id is all the run needs)', async () => {
    const b = breakerOf(1);
    await b.fail('a');
    expect(b.breaker.state).toBe('Open');
  });

  it('a success ends the run: the ids failed before it count nothing after it', async () => {
    const b = breakerOf(3);
    await b.fail('a');
    await b.fail('b');
    await b.answer('ok');
    await b.fail('c');
    await b.fail('a');
    expect(b.breaker.state).toBe('Closed');
    await b.fail('d');
    expect(b.breaker.state).toBe('Open');
    expect(b.transitions).toEqual([['Open', 3]]);
  });

  it('failures that are not the provider’s (answered, or our own deadline) neither count nor end the run', async () => {
    const b = breakerOf(3);
    await b.fail('a');
    await b.fail('x', badCredentials());
    await b.fail('y', deadlineTimeout('D7'));
    await b.fail('b');
    expect(b.breaker.state).toBe('Closed');
    await b.fail('c');
    expect(b.breaker.state).toBe('Open');
  });

  it('after the circuit closes the run starts afresh: the ids that opened it count nothing', async () => {
    const b = breakerOf(3);
    for (const id of ['a', 'b', 'c']) await b.fail(id);
    expect(b.breaker.state).toBe('Open');
    b.wait(1_000);
    await b.answer('probe');
    expect(b.breaker.state).toBe('Closed');
    await b.fail('a');
    await b.fail('b');
    expect(b.breaker.state).toBe('Closed');
    // Closing tells the count that opened it, as before.
    expect(b.transitions).toEqual([
      ['Open', 3],
      ['Closed', 3],
    ]);
  });

  it('a half-open probe failing on a new id opens the circuit again for another window', async () => {
    const b = breakerOf(2);
    await b.fail('a');
    await b.fail('b');
    b.wait(1_000);
    await b.fail('c');
    expect(b.breaker.state).toBe('Open');
    // Open again: the next call within the window is refused without going upstream.
    const calls = b.calls();
    await expect(b.answer('healthy')).rejects.toMatchObject({ code: 'UNAVAILABLE', local: true });
    expect(b.calls()).toBe(calls);
    // A failed probe is no transition: only the first opening was told.
    expect(b.transitions).toEqual([['Open', 2]]);
  });

  it('a probe failing on an id that failed before gives no verdict: the next call probes at once, so one poisoned id cannot hold the circuit open', async () => {
    const b = breakerOf(2);
    await b.fail('a');
    await b.fail('b');
    for (let window = 0; window < 3; window += 1) {
      b.wait(1_000);
      // The poisoned id asked first after the window: its probe fails, the circuit stays shut…
      expect(await b.fail('a')).toMatchObject({ httpStatus: 500 });
      expect(b.breaker.state).toBe('Open');
    }
    // …but not for the next caller: its call is the probe, goes upstream and closes the circuit.
    const calls = b.calls();
    await expect(b.answer('healthy')).resolves.toBe('healthy');
    expect(b.calls()).toBe(calls + 1);
    expect(b.breaker.state).toBe('Closed');
  });

  it('remembers a bounded number of failed probes', async () => {
    const b = breakerOf(2);
    await b.fail('a');
    await b.fail('b');
    for (let probe = 0; probe < 500; probe += 1) {
      b.wait(1_000);
      await b.fail(`new-${probe}`);
    }
    expect((b.breaker as unknown as { runKeys: Set<string> }).runKeys.size).toBeLessThanOrEqual(2 + 64);
    expect(b.breaker.state).toBe('Open');
  });
});
