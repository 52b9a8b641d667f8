import { describe, expect, it } from 'vitest';
import { alertRules, allPanels, dashboard, ruleTests } from '../helpers/monitoring-kit.js';
import { vectorSelectors } from '../helpers/promql.js';

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

describe('the Grafana dashboard', () => {
  const board = dashboard();
  const panels = allPanels(board);

  it('is in the current dashboard schema, with a data source variable every panel and query uses', () => {
    // 42: the last version of Grafana's v1 dashboard JSON (Grafana 12), imported as is by 11 and 12.
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
