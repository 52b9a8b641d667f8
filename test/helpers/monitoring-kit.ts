import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The operations kit (monitoring/): Prometheus rules and their promtool tests, the Grafana dashboard. */
const kitFile = (path: string) => readFileSync(new URL(`../../monitoring/${path}`, import.meta.url), 'utf8');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[] }[];
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string; datasource?: { type: string; uid: string } }[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { type: string; name: string; query: string | { query: string }; definition?: string; datasource?: { uid: string } }[] };
}

export const alertRules = (): AlertRule[] => (parse(kitFile('prometheus/alerts.yml')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);
export const ruleTests = (): RuleTests => parse(kitFile('prometheus/alerts.test.yml')) as RuleTests;
export const dashboard = (): Dashboard => JSON.parse(kitFile('grafana/message-status-graph.json')) as Dashboard;

/** Every panel, those inside collapsed rows included. */
export const allPanels = (board: Dashboard): DashboardPanel[] => board.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Every PromQL expression of the kit, with where it is: rule expressions, panel queries and variable queries. */
export function kitExpressions(): { where: string; expr: string }[] {
  const board = dashboard();
  const panelQueries = allPanels(board).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `dashboard panel "${p.title}" ${t.refId}`, expr: t.expr })));
  // A variable's `label_values(<selector>, <label>)` names its metric in the selector.
  const variableQueries = board.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => {
      const query = typeof v.query === 'string' ? v.query : v.query.query;
      const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];
      if (!selector) throw new Error(`dashboard variable ${v.name}: expected label_values(<selector>, <label>), got ${query}`);
      return { where: `dashboard variable ${v.name}`, expr: selector };
    });
  return [...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })), ...panelQueries, ...variableQueries];
}
