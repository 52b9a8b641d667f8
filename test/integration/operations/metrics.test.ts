import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { subscribeSse } from '../../helpers/live.js';
import { sample } from '../../helpers/prometheus.js';

let h: Harness;
beforeAll(async () => {
  // A slow id slower than the upstream timeout, to reach a response-less TIMEOUT quickly.
  h = await startHarness({ env: { UPSTREAM_TIMEOUT_MS: '200' }, simulator: { slowMs: 2_000 } });
});
afterAll(() => h.close());

const scrape = async () => {
  const res = await h.get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

describe('/metrics after real traffic', () => {
  it('counts a subscription as type subscription, not unknown', async () => {
    const before = await scrape();
    // An invalid id is final at once: the subscription answers it and completes.
    const session = subscribeSse(h, { refs: [{ provider: 'D7', id: 'not-a-uuid' }] });
    await session.ended;
    expect(session.results).toHaveLength(1);
    await vi.waitFor(async () => {
      const after = await scrape();
      expect(sample(after, 'graphql_operations_total', { operation: 'StatusChanged', type: 'subscription', outcome: 'success' }) - sample(before, 'graphql_operations_total', { operation: 'StatusChanged', type: 'subscription', outcome: 'success' })).toBe(1);
    });
  });

  it('counts operations by name and outcome, and upstream requests by provider, outcome and status', async () => {
    const before = await scrape();
    const res = await h.query(`query Statuses {
      messageStatuses(refs: [
        { provider: D7, id: "${D7_SANDBOX.example}" }
        { provider: D7, id: "${D7_SANDBOX.serverError}" }
        { provider: BETATEL, id: "${BETATEL_SANDBOX.notFound}" }
        { provider: BETATEL, id: "${BETATEL_SANDBOX.slow}" }
        { provider: D7, id: "not-a-uuid" }
      ]) { __typename }
    }`);
    expect(res.data).toBeTruthy();
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(moved('graphql_operations_total', { operation: 'Statuses', type: 'query', outcome: 'success' })).toBe(1);
    expect(moved('graphql_operation_duration_seconds_count', { operation: 'Statuses', type: 'query' })).toBe(1);
    expect(moved('upstream_requests_total', { provider: 'D7', outcome: 'ok', status: '200' })).toBe(1);
    expect(moved('upstream_requests_total', { provider: 'D7', outcome: 'unavailable', status: '500' })).toBe(1);
    expect(moved('upstream_requests_total', { provider: 'BETATEL', outcome: 'not_found', status: '404' })).toBe(1);
    expect(moved('upstream_requests_total', { provider: 'BETATEL', outcome: 'timeout', status: 'none' })).toBe(1);
    // The invalid id never went upstream: four upstream requests in all.
    expect(moved('upstream_request_duration_seconds_count', { provider: 'D7' })).toBe(2);
    expect(moved('upstream_request_duration_seconds_count', { provider: 'BETATEL' })).toBe(2);
    expect(sample(after, 'graphql_requests_in_flight')).toBe(0);
  });

  it('counts GraphQL errors by operation and code, including requests that never execute', async () => {
    const before = await scrape();
    await h.query(`query Report { d7Report(requestId: "${D7_SANDBOX.unauthorized}") { state } }`);
    await h.query(`query Report { d7Report(requestId: "${D7_SANDBOX.unauthorized}") { state } }`);
    await h.query('query Broken { noSuchField }');
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(moved('graphql_operations_total', { operation: 'Report', outcome: 'error' })).toBe(2);
    expect(moved('graphql_operation_errors_total', { operation: 'Report', code: 'UNAUTHORIZED' })).toBe(2);
    expect(moved('upstream_requests_total', { provider: 'D7', outcome: 'unauthorized', status: '401' })).toBe(2);
    expect(moved('graphql_operations_total', { operation: 'anonymous', type: 'unknown', outcome: 'error' })).toBe(1);
    expect(moved('graphql_operation_errors_total', { operation: 'anonymous', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  });
});
