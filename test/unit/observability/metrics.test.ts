import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/observability/metrics.js';
import { hasSeries, sample } from '../../helpers/prometheus.js';

describe('the metrics API for the resilience layer', () => {
  it('registers the lookup counters when the lookup layer binds a provider, not before', async () => {
    const metrics = createMetrics();
    const empty = await metrics.registry.metrics();
    expect(hasSeries(empty, 'status_cache_lookups_total')).toBe(false);
    expect(hasSeries(empty, 'upstream_shared_inflight_total')).toBe(false);

    const d7 = metrics.forProvider('D7');
    const betatel = metrics.forProvider('BETATEL');
    d7.cacheHit();
    d7.cacheHit();
    d7.cacheMiss();
    betatel.sharedInFlight();
    d7.wrongMessage();
    betatel.regression();
    const text = await metrics.registry.metrics();
    expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'hit' })).toBe(2);
    expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'miss' })).toBe(1);
    expect(sample(text, 'upstream_shared_inflight_total', { provider: 'BETATEL' })).toBe(1);
    expect(sample(text, 'upstream_wrong_message_total', { provider: 'D7' })).toBe(1);
    expect(sample(text, 'status_regressions_total', { provider: 'BETATEL' })).toBe(1);
  });

  it('reads breaker states and bulkhead queues and slots, by lane, at scrape time', async () => {
    const metrics = createMetrics();
    expect(hasSeries(await metrics.registry.metrics(), 'upstream_breaker_state')).toBe(false);
    let d7State: 'Closed' | 'Open' = 'Closed';
    let queued = 3;
    metrics.observeBreakerStates(() => ({ D7: d7State, BETATEL: 'HalfOpen' }));
    metrics.observeBulkheads(() => [
      { provider: 'D7', lane: 'interactive', queued, active: 32 },
      { provider: 'D7', lane: 'poll', queued: 40, active: 8 },
    ]);

    let text = await metrics.registry.metrics();
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'closed' })).toBe(1);
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'open' })).toBe(0);
    expect(sample(text, 'upstream_breaker_state', { provider: 'BETATEL', state: 'half_open' })).toBe(1);
    expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7', lane: 'interactive' })).toBe(3);
    expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7', lane: 'poll' })).toBe(40);
    expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7', lane: 'interactive' })).toBe(32);
    expect(sample(text, 'upstream_bulkhead_active', { provider: 'D7', lane: 'poll' })).toBe(8);

    d7State = 'Open';
    queued = 0;
    text = await metrics.registry.metrics();
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'open' })).toBe(1);
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'closed' })).toBe(0);
    expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7', lane: 'interactive' })).toBe(0);
  });

  it('keeps each app instance in its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.upstream({ provider: 'D7', outcome: 'ok', status: 200, startedAt: Date.now(), durationMs: 12, trace: undefined });
    expect(sample(await a.registry.metrics(), 'upstream_requests_total', { provider: 'D7' })).toBe(1);
    expect(sample(await b.registry.metrics(), 'upstream_requests_total', { provider: 'D7' })).toBe(0);
  });
});
