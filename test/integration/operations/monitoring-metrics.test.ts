import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { kitExpressions } from '../../helpers/monitoring-kit.js';
import { metricNames } from '../../helpers/promql.js';
import { testRedis, uniquePrefix, until } from '../../helpers/redis.js';

// Issue 21 item 9: the alert rules and the dashboard (monitoring/) name only metrics the service
// exports, so a renamed metric breaks this test instead of silently emptying a panel or an alert.

/** Series Prometheus makes itself: `up` per scrape target, `ALERTS` per alert. */
const MADE_BY_PROMETHEUS = new Set(['up', 'ALERTS']);

/** Every sample name /metrics can show: a histogram's _bucket, _sum and _count, a summary's _sum and _count. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

describe('the operations kit names only metrics the service exports', () => {
  let redis: { url: string; close(): Promise<void> };
  let h: Harness;
  let exported: Set<string>;

  beforeAll(async () => {
    // With Redis, so its series (only registered with REDIS_URL) are there too.
    redis = await testRedis();
    h = await startHarness({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('monitoring') } });
    await until(() => h.app.sharedState?.connection.state === 'up');
    exported = exportedNames(await (await h.get('/metrics')).text());
  });
  afterAll(async () => {
    await h.close();
    await redis.close();
  });

  it('reads the names from /metrics: ours, the Redis tier, the default process metrics, and histogram series', () => {
    for (const name of ['graphql_operations_total', 'redis_up', 'redis_pubsub_up', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds', 'upstream_request_duration_seconds_bucket', 'upstream_request_duration_seconds_count']) {
      expect(exported, name).toContain(name);
    }
  });

  it('every metric in the alert rules and the dashboard is exported (or made by Prometheus)', () => {
    const expressions = kitExpressions();
    expect(expressions.filter((e) => e.where.startsWith('alert ')).length).toBeGreaterThan(20);
    expect(expressions.filter((e) => e.where.startsWith('dashboard panel ')).length).toBeGreaterThan(40);
    const unknown = expressions.flatMap(({ where, expr }) => metricNames(expr).filter((name) => !exported.has(name) && !MADE_BY_PROMETHEUS.has(name)).map((name) => `${where}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('the kit uses every metric family the service exports, except the Node.js details nobody pages on', () => {
    const used = new Set(kitExpressions().flatMap(({ expr }) => metricNames(expr)));
    const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    const usedFamilies = new Set([...used].map(family));
    const unused = [...exported].filter((name) => !/^(process|nodejs)_/.test(name) && !usedFamilies.has(family(name)) && !used.has(name));
    expect(unused).toEqual([]);
  });
});
