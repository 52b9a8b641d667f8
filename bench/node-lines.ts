/**
 * The Node.js lines block of RESULTS.md: the same servers measured on several Node.js binaries in
 * one run (`npm run bench -- --node 24 --node 20`), each figure beside the first line's. Production
 * runs on the first line given, so the ratios say what another line costs or saves against it.
 */
import type { Machine, Row } from './report.js';

export interface LinesRun {
  /** The command as run, e.g. `npm run bench -- --quick --node 24 --node 20`. */
  command: string;
  /** The servers' Node.js versions, the reference first. */
  nodes: string[];
  variants: string[];
  /** Every row of the run, of every line. */
  rows: Row[];
  machine: Machine;
  quick: boolean;
  seconds: number;
  reps: number;
  latencyMs: number;
  durationS: number;
}

const f = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? undefined : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function renderNodeLines(run: LinesRun): string {
  const [reference, ...others] = run.nodes;
  if (reference === undefined) throw new Error('renderNodeLines: no Node.js line');
  const find = (workload: string, variant: string, node: string) => run.rows.find((r) => r.workload === workload && r.variant === variant && r.node === node);
  const workloads = [...new Set(run.rows.map((r) => r.workload))];
  // Above one runnable process per core over the last 5 minutes, other work shared the cores.
  const loaded = (run.machine.loadavg[1] ?? 0) > run.machine.cpus;
  const lines: string[] = [];
  lines.push('## Node.js lines', '');
  lines.push(
    `Written by \`${run.command}\` (bench/run.ts) on ${run.machine.date}: every variant's server ran on each line, all interleaved in one run (the same compiled code and dependencies); the mock upstream and the load generator ran on Node ${run.machine.node}. ` +
      `${run.seconds} s per point, ${run.reps} repetition(s), medians; upstream latency ${run.latencyMs} ms; whole run ${Math.round(run.durationS)} s; ${run.machine.cpus} cores, load average at the end ${run.machine.loadavg.map((l) => l.toFixed(2)).join(', ')}` +
      `${loaded ? ': a shared machine, loaded by other work during the run' : ''}. ` +
      `${run.quick ? 'A quick run, beside the full run above: ' : ''}compare the ratios within this table, not its absolute figures with other tables. Kept when \`npm run bench\` rewrites this file.`,
    '',
  );
  if (run.variants.includes('S')) {
    for (const node of others) {
      const cpu = workloads.map((w) => [w, ratio(find(w, 'S', node)?.cpuMsPerRequest, find(w, 'S', reference)?.cpuMsPerRequest)] as const);
      const rps = workloads.map((w) => ratio(find(w, 'S', node)?.rps, find(w, 'S', reference)?.rps)).filter((r): r is number => r !== undefined);
      const known = cpu.filter((c): c is readonly [string, number] => c[1] !== undefined);
      lines.push(
        `- **S on Node ${node} against Node ${reference}**: CPU per request ${f(median(known.map((c) => c[1])), 2)}× (median over workloads; ${known.map(([w, r]) => `${w} ${f(r, 2)}×`).join(', ')}), requests per second ${f(median(rps), 2)}× (median).`,
      );
    }
    if (run.variants.includes('B0')) {
      for (const node of run.nodes) {
        const vsB0 = workloads.map((w) => `${w} ${f(ratio(find(w, 'S', node)?.cpuMsPerRequest, find(w, 'B0', node)?.cpuMsPerRequest), 2)}×`);
        lines.push(`- S's CPU per request against B0 on the same line, Node ${node}: ${vsB0.join(', ')}.`);
      }
    }
    lines.push('');
  }
  lines.push(`*vs ${reference}*: this line's figure over the same variant's on Node ${reference} in the same workload. *CPU vs B0*: over B0 on the same line.`, '');
  lines.push(`| workload | variant | Node | req/s | vs ${reference} | p50 ms | p99 ms | CPU ms/req | vs ${reference} | CPU vs B0 | peak RSS MB | non-data |`);
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of workloads) {
    let first = true;
    for (const variant of run.variants) {
      for (const node of run.nodes) {
        const r = find(w, variant, node);
        if (!r) continue;
        const ref = find(w, variant, reference);
        const b0 = find(w, 'B0', node);
        lines.push(
          `| ${first ? `**${w}** (${r.connections} conns)` : ''} | ${variant} | ${node} | ${f(r.rps)} | ${f(ratio(r.rps, ref?.rps), 2)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.cpuMsPerRequest, 3)} | ${f(ratio(r.cpuMsPerRequest, ref?.cpuMsPerRequest), 2)} | ${f(ratio(r.cpuMsPerRequest, b0?.cpuMsPerRequest), 2)} | ${f(r.peakRssMb)} | ${f(r.nonData)} |`,
        );
        first = false;
      }
    }
  }
  return lines.join('\n');
}
