import { describe, expect, it } from 'vitest';
import { PROVIDER_ERROR_CODES } from '../../../src/domain/provider-failure.js';
import type { SubscriptionRefusal, WsSocketLimit } from '../../../src/subscriptions/metrics.js';
import { KEPT_RESULTS, WEBHOOK_APPLIED, WEBHOOK_OUTCOMES } from '../../../src/webhooks/metrics.js';
import { LANE_NAMES } from '../../../src/lookup/policy/bulkhead.js';
import { ERROR_CODES } from '../../../src/observability/labels.js';
import type { BreakerState } from '../../../src/observability/metrics.js';
import { providers } from '../../../src/providers/registry.js';
import type { RedisFailure, SentBytes, SharedCacheWrite } from '../../../src/shared-state/metrics.js';
import { alertRules, allPanels, dashboard, kitExpressions, ruleTests } from '../../helpers/monitoring-kit.js';
import { vectorSelectors } from '../../helpers/promql.js';

// Issue 21 item 9: what an operator relies on in the operations kit (monitoring/), beyond what
// promtool checks: every alert says how bad it is and what to do, and has a promtool case where
// it fires and one where it does not; the dashboard imports into current Grafana on any
// Prometheus data source. The metric names are held to /metrics in monitoring-metrics.test.ts.

describe('the alert rules', () => {
  const rules = alertRules();

  it('each has a severity, a summary, a description and a runbook line, and selects our scrape job', () => {
    expect(rules.length).toBeGreaterThan(20);
    for (const rule of rules) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      for (const key of ['summary', 'description', 'runbook']) expect(rule.annotations?.[key]?.length ?? 0, `${rule.alert} ${key}`).toBeGreaterThan(20);
      // Several names are generic (redis_up is also redis_exporter's): every selector names the job.
      const selectors = vectorSelectors(rule.expr);
      expect(selectors.length, rule.alert).toBeGreaterThan(0);
      for (const { name, matchers } of selectors) expect(matchers, `${rule.alert}: ${name}`).toMatch(/[{,]\s*job="message-status-graph"\s*[,}]/);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('each has a promtool case where it fires and one where it does not', () => {
    const suite = ruleTests();
    expect(suite.rule_files).toEqual(['alerts.yml']);
    const checks = suite.tests.flatMap((t) => t.alert_rule_test);
    for (const { alert } of rules) {
      const mine = checks.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} fires`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} does not fire`).toBe(true);
    }
    // No case for an alert that does not exist (it would pass, expecting nothing).
    for (const check of checks) expect(rules.map((r) => r.alert)).toContain(check.alertname);
  });
});

// The values each label of a metric the kit filters on can take, from the code where it has them
// as values, else checked against its type. A label the kit filters on must be listed here.
const OPERATION_TYPES = ['query', 'subscription', 'unknown'];
const UPSTREAM_OUTCOMES = ['ok', 'not_found', ...PROVIDER_ERROR_CODES.map((code) => code.toLowerCase())];
const PROVIDERS = providers.map((p) => p.key);
const BULKHEAD = { lane: LANE_NAMES, provider: PROVIDERS };
const LABEL_VALUES: Record<string, Record<string, readonly string[]>> = {
  graphql_operations_total: { outcome: ['success', 'error'], type: OPERATION_TYPES },
  graphql_operation_duration_seconds_bucket: { type: OPERATION_TYPES },
  graphql_operation_errors_total: { code: [...ERROR_CODES] },
  upstream_requests_total: { outcome: UPSTREAM_OUTCOMES, provider: PROVIDERS },
  upstream_request_duration_seconds_bucket: { outcome: UPSTREAM_OUTCOMES, provider: PROVIDERS },
  upstream_breaker_state: { state: ['closed', 'open', 'half_open'] satisfies BreakerState[], provider: PROVIDERS },
  upstream_bulkhead_queue_length: BULKHEAD,
  upstream_bulkhead_active: BULKHEAD,
  upstream_shared_inflight_total: { provider: PROVIDERS },
  upstream_wrong_message_total: { provider: PROVIDERS },
  status_regressions_total: { provider: PROVIDERS },
  status_cache_lookups_total: { result: ['hit', 'miss'], provider: PROVIDERS },
  status_watcher_polls_total: { provider: PROVIDERS },
  graphql_subscriptions_refused_total: { reason: ['NOT_ACCEPTABLE', 'BATCH_TOO_LARGE', 'TOO_MANY_SUBSCRIPTIONS', 'CLIENT_WATCHER_LIMIT', 'WATCHER_LIMIT', 'UNAUTHENTICATED'] satisfies SubscriptionRefusal[] },
  graphql_ws_sockets_limited_total: { reason: ['too_many_sockets', 'idle'] satisfies WsSocketLimit[] },
  redis_command_failures_total: { reason: ['error', 'timeout', 'down'] satisfies RedisFailure[] },
  redis_cache_writes_total: { result: ['written', 'kept', 'conflict', 'unavailable'] satisfies SharedCacheWrite[] },
  redis_sent_bytes_total: { what: ['cache_write', 'status_event'] satisfies SentBytes[] },
  webhooks_received_total: { outcome: WEBHOOK_OUTCOMES, provider: [...PROVIDERS, 'unknown'] },
  webhook_events_applied_total: { result: WEBHOOK_APPLIED },
  webhook_kept_total: { result: KEPT_RESULTS },
  // Prometheus' own series of alerts.
  ALERTS: { alertstate: ['pending', 'firing'] },
};

describe('the label values', () => {
  it('every value the rules and the dashboard match a label on is one the service sets', () => {
    const problems: string[] = [];
    for (const { where, expr } of kitExpressions()) {
      for (const { name, matchers } of vectorSelectors(expr)) {
        for (const [, label, , value] of matchers.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
          // The scrape's own labels, and dashboard variables (Grafana fills them from label_values).
          if (label === 'job' || label === 'instance' || value!.startsWith('$')) continue;
          const known = LABEL_VALUES[name]?.[label!];
          if (!known) {
            problems.push(`${where}: ${name} ${label} is not in LABEL_VALUES`);
            continue;
          }
          // Alternations of plain values only, so that each can be checked.
          for (const one of value!.split('|')) if (!known.includes(one)) problems.push(`${where}: ${name}{${label}} has no value "${one}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  const board = dashboard();
  const panels = allPanels(board);

  it('is in the current dashboard schema, with a data source variable every panel and query uses', () => {
    // 42: the last version of Grafana's v1 dashboard JSON (Grafana 12 writes it); an older Grafana loads a newer version without migrating it.
    expect(board.schemaVersion).toBe(42);
    expect(board.uid).toBe('message-status-graph');
    const variables = board.templating.list;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const v of variables.filter((v) => v.type === 'query')) expect(v.datasource?.uid, v.name).toBe('${datasource}');
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource ?? panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.description?.length ?? 0, panel.title).toBeGreaterThan(20);
    }
  });

  it('has the panels an operator looks for', () => {
    const rows = board.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Overview', 'Requests', 'Providers', 'Cache', 'Redis', 'Subscriptions and watchers', 'Webhooks', 'Process']);
    const titles = panels.map((p) => p.title);
    for (const title of ['Operations by outcome', 'Query latency', 'Calls by outcome', 'Failure ratio', 'Latency p95', 'Circuit breakers', 'Cache hit ratio', 'Redis connections', 'Open now', 'Webhooks received', 'CPU', 'Memory']) {
      expect(titles).toContain(title);
    }
  });

  it('lays its panels out on the 24-column grid without overlaps, each with an id of its own', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { title, gridPos: { x, y, w, h } } of board.panels) {
      expect(x + w, title).toBeLessThanOrEqual(24);
      for (let col = x; col < x + w; col++) {
        for (let line = y; line < y + h; line++) {
          const cell = `${col},${line}`;
          expect(cells.has(cell), `${title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });
});
