import { describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../../src/domain/provider-failure.js';
import { CircuitBreaker } from '../../../src/lookup/policy/breaker.js';
import { ProviderHealth } from '../../../src/lookup/policy/health-log.js';
import { judgeFailure } from '../../../src/lookup/policy/retry-rules.js';

const down = () => new ProviderFailure({ provider: 'D7', code: 'UNAVAILABLE', message: 'D7 is unreachable' });
const badId = () => new ProviderFailure({ provider: 'D7', code: 'UNAUTHORIZED', message: 'bad credentials', httpStatus: 401 });

function capture() {
  const lines: [string, Record<string, unknown>][] = [];
  return { lines, log: { warn: (f: object) => void lines.push(['warn', f as Record<string, unknown>]), info: (f: object) => void lines.push(['info', f as Record<string, unknown>]) } };
}

describe('provider health transitions', () => {
  it('one warn when faults repeat, one info at the first answer after; a single blip and non-faults log nothing', () => {
    const { lines, log } = capture();
    const health = new ProviderHealth('D7', log, 1000);
    health.attempt(down(), 'fault');
    health.attempt(undefined);
    health.attempt(badId(), judgeFailure(badId()));
    expect(lines).toEqual([]);
    for (let i = 0; i < 50; i += 1) health.attempt(down(), 'fault');
    health.attempt(down(), 'unknown');
    expect(lines.map(([level, f]) => [level, f.health])).toEqual([['warn', 'failing']]);
    for (let i = 0; i < 50; i += 1) health.attempt(undefined);
    expect(lines.map(([level, f]) => [level, f.health])).toEqual([['warn', 'failing'], ['info', 'up']]);
  });

  it('the breaker tells opening and closing, not a failed probe that keeps it open', async () => {
    const { lines, log } = capture();
    const health = new ProviderHealth('D7', log, 100);
    let now = 0;
    const breaker = new CircuitBreaker('D7', 2, 100, () => now, (state, failures) => health.breaker(state, failures));
    let id = 0;
    // Each on its own message: faults on one id count once towards the circuit.
    const fail = () => breaker.run(`id-${(id += 1)}`, () => Promise.reject(down()), judgeFailure).catch(() => undefined);
    for (let i = 0; i < 5; i += 1) await fail();
    now += 150;
    await fail(); // the probe fails: still open
    now += 150;
    await fail();
    expect(lines.map(([level, f]) => [level, f.breaker])).toEqual([['warn', 'open']]);
    now += 150;
    await breaker.run('ok', () => Promise.resolve('ok'), judgeFailure);
    expect(lines.map(([level, f]) => [level, f.breaker])).toEqual([['warn', 'open'], ['info', 'closed']]);
    expect(lines[0]![1]).toMatchObject({ failures: 2 });
  });
});
