import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';
import { hasSeries, sample } from '../helpers/prometheus.js';

describe('the metrics API for the resilience layer', () => {
  it('registers cache and in-flight sharing counters on first use, not before', async () => {
    const metrics = createMetrics();
    const empty = await metrics.registry.metrics();
    expect(hasSeries(empty, 'status_cache_lookups_total')).toBe(false);
    expect(hasSeries(empty, 'upstream_shared_inflight_total')).toBe(false);

    metrics.cacheLookup('D7', true);
    metrics.cacheLookup('D7', true);
    metrics.cacheLookup('D7', false);
    metrics.sharedInFlight('BETATEL');
    const text = await metrics.registry.metrics();
    expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'hit' })).toBe(2);
    expect(sample(text, 'status_cache_lookups_total', { provider: 'D7', result: 'miss' })).toBe(1);
    expect(sample(text, 'upstream_shared_inflight_total', { provider: 'BETATEL' })).toBe(1);
  });

  it('reads breaker states and bulkhead queues at scrape time', async () => {
    const metrics = createMetrics();
    expect(hasSeries(await metrics.registry.metrics(), 'upstream_breaker_state')).toBe(false);
    let d7State: 'closed' | 'open' = 'closed';
    let queued = 3;
    metrics.observeBreakerStates(() => ({ D7: d7State, BETATEL: 'half_open' }));
    metrics.observeBulkheadQueues(() => ({ D7: queued }));

    let text = await metrics.registry.metrics();
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'closed' })).toBe(1);
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'open' })).toBe(0);
    expect(sample(text, 'upstream_breaker_state', { provider: 'BETATEL', state: 'half_open' })).toBe(1);
    expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(3);

    d7State = 'open';
    queued = 0;
    text = await metrics.registry.metrics();
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'open' })).toBe(1);
    expect(sample(text, 'upstream_breaker_state', { provider: 'D7', state: 'closed' })).toBe(0);
    expect(sample(text, 'upstream_bulkhead_queue_length', { provider: 'D7' })).toBe(0);
  });

  it('keeps each app instance in its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.upstream({ provider: 'D7', outcome: 'ok', status: 200, startedAt: Date.now(), durationMs: 12 });
    expect(sample(await a.registry.metrics(), 'upstream_requests_total', { provider: 'D7' })).toBe(1);
    expect(sample(await b.registry.metrics(), 'upstream_requests_total', { provider: 'D7' })).toBe(0);
  });
});
