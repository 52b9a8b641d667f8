import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's built-in interval variables, which PromQL cannot parse, as a duration it can. */
const GRAFANA_INTERVALS = /\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g;

/** One vector selector of an expression: its metric name and its label matchers as written (`{...}`, or empty). */
export interface VectorSelector {
  name: string;
  matchers: string;
}

/**
 * The vector selectors of a PromQL expression, read with Prometheus' own grammar (the
 * lezer-promql package of the Prometheus UI): functions, aggregations, keywords, label
 * matchers and strings are never names. Throws on an expression that does not parse, and on a
 * selector by `__name__`, which would hide its metric from the checks.
 */
export function vectorSelectors(expr: string): VectorSelector[] {
  const text = expr.replace(GRAFANA_INTERVALS, '5m');
  const selectors: VectorSelector[] = [];
  const cursor = parser.parse(text).cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) throw new Error(`PromQL does not parse at ${cursor.from}: ${text.slice(Math.max(0, cursor.from - 20), cursor.from + 20)} (in ${expr})`);
    if (node.name === 'LabelName' && text.slice(node.from, node.to) === '__name__') throw new Error(`select by metric name, not {__name__=...}: ${expr}`);
    if (node.name === 'VectorSelector') {
      const name = node.getChild('Identifier');
      if (!name) throw new Error(`a selector without a metric name: ${text.slice(node.from, node.to)} (in ${expr})`);
      const matchers = node.getChild('LabelMatchers');
      selectors.push({ name: text.slice(name.from, name.to), matchers: matchers ? text.slice(matchers.from, matchers.to) : '' });
    }
  } while (cursor.next());
  return selectors;
}

/** The metric names an expression selects (see `vectorSelectors`). */
export const metricNames = (expr: string): string[] => vectorSelectors(expr).map((s) => s.name);
