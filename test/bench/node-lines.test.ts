// The Node.js lines block of RESULTS.md (bench/node-lines.ts): each line's figures beside the
// first line's, S against B0 on its own line, and whether other work loaded the machine.
import { describe, expect, it } from 'vitest';
import { renderNodeLines, type LinesRun } from '../../bench/node-lines.js';
import type { Machine, Row } from '../../bench/report.js';

const machine = (loadavg: number[]): Machine => ({ date: '2026-12-05T00:00:00.000Z', cpus: 2, cpuModel: 'test', memGb: 8, node: 'v20.20.2', os: 'Linux', loadavg });

function row(workload: string, variant: string, node: string, rps: number, cpuMsPerRequest: number): Row {
  return {
    workload,
    what: workload,
    node,
    ids: 10,
    connections: 16,
    variant,
    rps,
    p50: 20,
    p99: 30,
    cpuMsPerRequest,
    callsPerRequest: 10,
    callsPerRequestAll: [10],
    expectedCallsPerRequest: 10,
    hotKeyCalls: undefined,
    peakRssMb: 100,
    idleRssMb: 80,
    nonData: 0,
    requests: 1000,
  };
}

const run = (loadavg: number[]): LinesRun => ({
  command: 'npm run bench -- --quick --node 24 --node 20',
  nodes: ['v24.22.3', 'v20.20.2'],
  variants: ['B0', 'S'],
  rows: [
    row('fresh-10', 'B0', 'v24.22.3', 600, 0.5),
    row('fresh-10', 'B0', 'v20.20.2', 500, 0.6),
    row('fresh-10', 'S', 'v24.22.3', 500, 1.0),
    row('fresh-10', 'S', 'v20.20.2', 400, 1.5),
    row('fresh-100', 'B0', 'v24.22.3', 80, 8),
    row('fresh-100', 'B0', 'v20.20.2', 80, 8),
    row('fresh-100', 'S', 'v24.22.3', 60, 10),
    row('fresh-100', 'S', 'v20.20.2', 50, 13),
  ],
  machine: machine(loadavg),
  quick: true,
  seconds: 2,
  reps: 1,
  latencyMs: 20,
  durationS: 100,
});

describe('the Node.js lines block', () => {
  const text = renderNodeLines(run([1, 1, 1]));

  it("states S's CPU and throughput on each later line as a ratio to the first line's, per workload and as a median", () => {
    expect(text).toContain('- **S on Node v20.20.2 against Node v24.22.3**: CPU per request 1.40× (median over workloads; fresh-10 1.50×, fresh-100 1.30×), requests per second 0.82× (median).');
  });

  it('sets S against B0 on the same line', () => {
    expect(text).toContain("S's CPU per request against B0 on the same line, Node v24.22.3: fresh-10 2.00×, fresh-100 1.25×.");
    expect(text).toContain("S's CPU per request against B0 on the same line, Node v20.20.2: fresh-10 2.50×, fresh-100 1.63×.");
  });

  it('has one table row per workload, variant and line, with the ratios to the first line and to B0', () => {
    expect(text).toContain('|  | S | v20.20.2 | 400 | 0.80 | 20 | 30 | 1.500 | 1.50 | 2.50 | 100 | 0 |');
    expect(text.split('\n').filter((l) => /^\| .* \| (B0|S) \| v2/.test(l))).toHaveLength(8);
  });

  it('says so when other work loaded the machine during the run, and names the command', () => {
    expect(text).not.toContain('loaded by other work');
    expect(renderNodeLines(run([5, 4, 3]))).toContain('a shared machine, loaded by other work during the run');
    expect(text).toContain('`npm run bench -- --quick --node 24 --node 20`');
  });
});
