/** RESULTS.md and the SVG chart from the medians bench/run.ts measured. */
import os from 'node:os';
import { KEY_POOL } from './credentials.js';
import { serviceNodeFlags } from './processes.js';

export interface Row {
  workload: string;
  what: string;
  /** The Node.js version (`process.version`) the server ran on. */
  node: string;
  ids: number;
  connections: number;
  variant: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  callsPerRequest: number;
  callsPerRequestAll: number[];
  expectedCallsPerRequest: number;
  hotKeyCalls: number | undefined;
  peakRssMb: number;
  /** RSS of a freshly started server before any load (median over repetitions). */
  idleRssMb: number;
  nonData: number;
  requests: number;
}

export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memGb: number;
  node: string;
  os: string;
  loadavg: number[];
}

/** The machine a run took place on (bench/replicas.ts reports it the same way). */
export function machineFacts(): Machine {
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg(),
  };
}

export interface Settings {
  /** The command as run, e.g. `npm run bench -- --quick`. */
  command: string;
  /** The Node.js version the servers of these figures ran on (`--node`; the load generator's by default). */
  serverNode: string;
  quick: boolean;
  seconds: number;
  reps: number;
  latencyMs: number;
  jitterMs: number;
  durationS: number;
  /** MaxListenersExceededWarning lines the servers printed (S, for batches of more than 10 ids). */
  maxListenerWarnings: number;
  /** Upstream sockets per provider for B0, N and S (and S's bulkhead). */
  sockets: number;
}

const NAMES: Record<string, string> = {
  B0: 'B0 bare node:http + undici Pool (the limit)',
  S: 'S this service (graphql-yoga + Pothos, defaults but the upstream budget: limit pinned at the sockets B0 and N get)',
  Sd: 'Sd this service with its defaults (adaptive concurrency limit 4–256, 264 sockets per provider)',
  N: 'N naive GraphQL (yoga, no DataLoader, no sharing)',
  P: 'P Apollo Server 5 + @apollo/datasource-rest 6',
};
const COLORS: Record<string, string> = { B0: '#555555', S: '#1f77b4', Sd: '#9467bd', N: '#ff7f0e', P: '#2ca02c' };
/** The service's default lifetime of a state still moving (the mock answers DELIVERED). */
const MOVING_TTL_S = 5;

const f = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

function find(rows: Row[], workload: string, variant: string): Row | undefined {
  return rows.find((r) => r.workload === workload && r.variant === variant);
}

interface Target {
  target: string;
  measured: string;
  met: boolean | undefined;
  note?: string;
}

function targets(rows: Row[], settings: Settings): Target[] {
  const out: Target[] = [];
  const cpu = (w: string) => ratio(find(rows, w, 'S')?.cpuMsPerRequest, find(rows, w, 'B0')?.cpuMsPerRequest);
  const atMost = (target: string, r: number | undefined, max: number) => out.push({ target, measured: `${f(r, 2)}×`, met: r === undefined ? undefined : r <= max });
  const atLeast = (target: string, r: number | undefined, min: number) => out.push({ target, measured: `${f(r, 2)}×`, met: r === undefined ? undefined : r >= min });
  // Issue 25's targets: CPU per request against each peer, cached answers, memory.
  const cpuOf = (w: string, v: string) => find(rows, w, v)?.cpuMsPerRequest;
  atLeast('CPU per request: P/S ≥ 1.5 at 10 ids', ratio(cpuOf('fresh-10', 'P'), cpuOf('fresh-10', 'S')), 1.5);
  atLeast('CPU per request: P/S ≥ 2 at 100 ids', ratio(cpuOf('fresh-100', 'P'), cpuOf('fresh-100', 'S')), 2);
  atMost('CPU per request: S/B0 ≤ 2.0 at 10 ids', cpu('fresh-10'), 2);
  atMost('CPU per request: S/B0 ≤ 1.5 at 100 ids', cpu('fresh-100'), 1.5);
  const sizes = ['fresh-1', 'fresh-10', 'fresh-100'];
  const vsN = sizes.map((w) => ratio(cpuOf(w, 'S'), cpuOf(w, 'N')));
  out.push({
    target: "CPU per request: S ≤ N's at 1, 10 and 100 ids (S/N)",
    measured: vsN.map((r, i) => `${sizes[i]!.split('-')[1]}: ${f(r, 2)}×`).join(', '),
    met: vsN.some((r) => r === undefined) ? undefined : vsN.every((r) => r! <= 1),
  });
  const adaptive = ratio(find(rows, 'fresh-10', 'Sd')?.rps, find(rows, 'fresh-10', 'S')?.rps);
  atLeast('defaults that adapt: throughput at fresh-10 of S with its defaults (Sd) ≥ 0.9× S with its caps raised', adaptive, 0.9);
  atMost('cached answers, repeat50-10: CPU per request of S ≤ 2× B0', cpu('repeat50-10'), 2);
  atMost('cached answers, hot-1: CPU per request of S ≤ 2× B0', cpu('hot-1'), 2);
  const rss = [...new Set(rows.map((r) => r.workload))].map((w) => ({ w, s: find(rows, w, 'S')?.peakRssMb, p: find(rows, w, 'P')?.peakRssMb }));
  const rssPairs = rss.filter((r) => r.s !== undefined && r.p !== undefined);
  out.push({
    target: "peak RSS of S ≤ P's in every workload (S/P MB)",
    measured: rssPairs.map((r) => `${r.w} ${f(r.s)}/${f(r.p)}`).join('; ') || '–',
    met: rssPairs.length === 0 ? undefined : rssPairs.every((r) => r.s! <= r.p!),
  });
  const c500 = find(rows, 'c500-1', 'S');
  out.push({
    target: 'peak RSS of S < 200 MB at 500 concurrent connections (idle RSS of S beside it)',
    measured: c500 ? `${f(c500.peakRssMb)} MB (idle ${f(c500.idleRssMb)} MB)` : '–',
    met: c500 ? c500.peakRssMb < 200 : undefined,
  });
  const sRows = rows.filter((r) => r.variant === 'S' && !r.workload.startsWith('hot'));
  const exact = sRows.filter((r) => r.callsPerRequestAll.every((c) => c === r.expectedCallsPerRequest));
  out.push({
    target: 'kept: upstream calls per request of S = distinct ids in it, exactly',
    measured: sRows.map((r) => `${r.workload} ${r.callsPerRequestAll.map((c) => f(c, 3)).join('/')} (want ${r.expectedCallsPerRequest})`).join('; '),
    met: sRows.length === 0 ? undefined : exact.length === sRows.length,
  });
  const hot = find(rows, 'hot-1', 'S');
  const allowed = Math.floor(settings.seconds / MOVING_TTL_S) + 1;
  out.push({
    target: `kept: hot key: 100 concurrent clients on one id make ≤ 1 upstream call per cache lifetime (${MOVING_TTL_S} s for this state: ≤ ${allowed} in ${settings.seconds} s)`,
    measured: hot ? `${hot.hotKeyCalls} calls for ${f(hot.requests)} requests` : '–',
    met: hot?.hotKeyCalls === undefined ? undefined : hot.hotKeyCalls <= allowed,
  });
  return out;
}

export function renderResults(rows: Row[], variants: string[], machine: Machine, settings: Settings): string {
  const lines: string[] = [];
  const mark = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? '**met**' : '**missed**');
  lines.push('# Benchmark results', '');
  lines.push(`Written by \`${settings.command}\` (bench/run.ts) on ${machine.date}. Regenerate with the same command; figures vary by machine, ratios much less.`, '');
  lines.push('## Machine', '');
  lines.push(`- CPU: ${machine.cpuModel}, ${machine.cpus} cores available (nproc); memory ${machine.memGb.toFixed(1)} GB`);
  lines.push(`- ${machine.os}; Node ${settings.serverNode}${settings.serverNode === machine.node ? '' : ` (the servers; the load generator and the mock upstream on Node ${machine.node})`}`);
  lines.push(`- load average at the end: ${machine.loadavg.map((l) => l.toFixed(2)).join(', ')} (a shared machine: absolute figures are noisy, compare ratios)`);
  lines.push(
    `- run: ${settings.seconds} s per point, ${settings.reps} repetition(s), medians; upstream latency ${settings.latencyMs} ms${settings.jitterMs ? ` + up to ${settings.jitterMs} ms jitter` : ', no jitter'}; whole run ${Math.round(settings.durationS)} s`,
    '',
  );
  lines.push('## Design', '');
  lines.push(
    '- **Processes.** One mock upstream process (both providers\' documented formats, `bench/mock-upstream.ts`; answers after a fixed latency, counts calls per id), one process per variant started fresh for each repetition (so CPU time and RSS are that server\'s alone, read with `process.cpuUsage()` / `process.memoryUsage.rss()` over IPC), and the load generator (autocannon, programmatic) in the parent. All on 127.0.0.1, 2 shared cores: the three compete for CPU, which is why only ratios within one run are compared. Servers run compiled (tsc → `bench/out`), not under tsx; S and Sd with the Node.js flags of the container\'s `CMD` (the Dockerfile: `' + (serviceNodeFlags().join(' ') || 'none') + '`), the others with Node\'s defaults.',
    `- **Same upstream budget.** B0, N and S get ${settings.sockets} sockets per provider (S: \`UPSTREAM_CONNECTIONS\` = \`UPSTREAM_CONCURRENCY_MIN\` = \`UPSTREAM_CONCURRENCY_MAX\` = ${settings.sockets}, its concurrency limit pinned there: its caps raised; Sd is S with its defaults, an adaptive limit of 4–256 calls per provider starting at 32 and 264 sockets, and the target compares the two). Everything else in S is its default: cache on with default TTLs, retry, breaker, 100 lookups at once per request and provider (\`LOOKUP_CONCURRENCY\`), metrics, authentication (an API key on every request, checked against ${KEY_POOL} configured keys), graphql-armor limits and scope checks; \`LOG_LEVEL=silent\`, and the per-client rate limit off (\`RATE_LIMIT_PER_MINUTE=0\`: the load generator is a single client). P keeps its own HTTP stack (Node's global agent, no socket cap).`,
    '- **Fresh ids.** Every request carries ids no earlier request asked for (a counter encoded in the ids, `bench/ids.ts`), so S\'s cross-request cache answers nothing in the fan-out workloads; cache effects are shown separately: ids repeated within a query (`repeat50-10`) and the hot key (`hot-1`). The mock answers DELIVERED, a state still moving, which S keeps 5 s.',
    '- **Exact call counts.** The ids also name the request, so the mock counts the calls made for requests that completed; requests autocannon cut off at the end of a point are left out, and the next point starts only once the mock sees no more calls.',
    '- **Baselines.** B0 reads `variables.refs` from the same GraphQL POST body, checks ids (UUID / ULID), fetches each distinct id once with undici `Pool.request` and writes the same JSON; no GraphQL, cache or policy. N serves the same `schema.graphql` (buildSubgraphSchema) on graphql-yoga, one undici call per ref (no DataLoader, no de-duplication, no cache). P serves it on Apollo Server 5 (standalone) with one `RESTDataSource` per provider per request, its defaults (GET de-duplication within a request). N and P check ids like S, but check only the body fields the query reads (no zod validation of whole bodies, no multi-recipient aggregation, no error-body parsing); only `messageStatuses` resolves.',
    '- **Query.** `messageStatuses(refs)` selecting `__typename`, `provider providerMessageId state isFinal` on `MessageStatus` and `provider providerMessageId message retryable` on `LookupError`, as a POST with variables.',
    '',
  );
  lines.push('## Targets', '');
  lines.push('| target | measured | verdict |', '|---|---|---|');
  const all = targets(rows, settings);
  for (const t of all) lines.push(`| ${t.target} | ${t.measured} | ${mark(t.met)} |`);
  lines.push('');
  // The reading of a run is written by hand where it can say what was tried; the profile is below.
  if (all.some((t) => t.met === false)) {
    lines.push('Why each missed target is missed, what each change bought and what was tried: `docs/benchmarks.md` (Last full run, Memory); the CPU profile that explains it: the profile block at the end of this file (`npm run bench -- --profile`).', '');
  }
  lines.push('## Figures', '');
  lines.push('Medians over the repetitions. *vs B0*: ratio to B0 in the same workload of the same run. CPU is the server process\'s user + system time divided by the requests it answered. Upstream calls per request: calls the mock received for the ids of requests that completed, divided by those requests (hot key: all calls / all answers). Peak RSS: the highest of the repetitions, sampled every 20 ms in the server process. *non-data*: answers with a GraphQL error or a LookupError item (should be 0).', '');
  lines.push('![throughput and CPU per request against ids per query](results.svg)', '');
  let last = '';
  lines.push('| workload | variant | req/s | vs B0 | p50 ms | p99 ms | CPU ms/req | vs B0 | upstream calls/req (distinct ids) | peak RSS MB | non-data |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const b0 = find(rows, r.workload, 'B0');
    const first = r.workload !== last;
    last = r.workload;
    lines.push(
      `| ${first ? `**${r.workload}** (${r.connections} conns)` : ''} | ${r.variant} | ${f(r.rps)} | ${f(ratio(r.rps, b0?.rps), 2)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.cpuMsPerRequest, 3)} | ${f(ratio(r.cpuMsPerRequest, b0?.cpuMsPerRequest), 2)} | ${f(r.callsPerRequest, 3)} (${r.expectedCallsPerRequest})${r.hotKeyCalls !== undefined ? `, hot key ${r.hotKeyCalls} calls` : ''} | ${f(r.peakRssMb)} | ${f(r.nonData)} |`,
    );
  }
  lines.push('', '### Workloads', '');
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.workload)) continue;
    seen.add(r.workload);
    lines.push(`- \`${r.workload}\`: ${r.what}; ${r.connections} connections.`);
  }
  lines.push('', '### Variants', '');
  if (settings.maxListenerWarnings > 0)
    lines.push(`(S printed ${settings.maxListenerWarnings} \`MaxListenersExceededWarning\` lines: more than 10 abort listeners on one request signal, once per batch of more than 10 ids; harmless, but noise in a production log.)`, '');
  for (const v of variants) lines.push(`- **${NAMES[v] ?? v}**`);
  lines.push('');
  return lines.join('\n');
}

/** Two panels (throughput, CPU per request) against ids per query, log scales, one line per variant. */
export function renderSvg(rows: Row[], variants: string[]): string {
  const sizes = [1, 10, 100];
  const W = 900;
  const H = 380;
  const panelW = 380;
  const panelH = 260;
  const top = 60;
  const lefts = [70, 520];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">message-status-graph benchmark: fresh ids, 16 connections, mock upstream</text>`);
  const panels: Array<{ title: string; value: (r: Row) => number }> = [
    { title: 'throughput (requests/s, log)', value: (r) => r.rps },
    { title: 'server CPU per request (ms, log)', value: (r) => r.cpuMsPerRequest },
  ];
  panels.forEach((panel, pi) => {
    const left = lefts[pi]!;
    const pts = rows.filter((r) => r.workload === `fresh-${r.ids}` && sizes.includes(r.ids));
    const values = pts.map(panel.value).filter((v) => v > 0);
    if (values.length === 0) return;
    const lo = Math.floor(Math.log10(Math.min(...values)));
    const hi = Math.ceil(Math.log10(Math.max(...values)));
    const span = Math.max(1, hi - lo);
    const y = (v: number) => top + panelH - ((Math.log10(v) - lo) / span) * panelH;
    const x = (ids: number) => left + 30 + (sizes.indexOf(ids) / (sizes.length - 1)) * (panelW - 60);
    parts.push(`<text x="${left + panelW / 2}" y="${top - 12}" text-anchor="middle" font-size="13">${panel.title}</text>`);
    parts.push(`<rect x="${left}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`);
    for (let e = lo; e <= hi; e += 1) {
      const v = 10 ** e;
      parts.push(`<line x1="${left}" x2="${left + panelW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toPrecision(1)}</text>`);
    }
    for (const ids of sizes) parts.push(`<text x="${x(ids)}" y="${top + panelH + 18}" text-anchor="middle">${ids}</text>`);
    parts.push(`<text x="${left + panelW / 2}" y="${top + panelH + 36}" text-anchor="middle">ids per query</text>`);
    for (const v of variants) {
      const line = sizes.map((ids) => pts.find((r) => r.variant === v && r.ids === ids)).filter((r): r is Row => r !== undefined && panel.value(r) > 0);
      const color = COLORS[v] ?? '#000';
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${line.map((r) => `${x(r.ids).toFixed(1)},${y(panel.value(r)).toFixed(1)}`).join(' ')}"/>`);
      for (const r of line) parts.push(`<circle cx="${x(r.ids).toFixed(1)}" cy="${y(panel.value(r)).toFixed(1)}" r="3.5" fill="${color}"><title>${v} ${r.ids} ids: ${panel.value(r).toPrecision(3)}</title></circle>`);
    }
  });
  variants.forEach((v, i) => {
    const lx = 70 + i * 210;
    parts.push(`<rect x="${lx}" y="${H - 22}" width="14" height="4" fill="${COLORS[v] ?? '#000'}"/>`);
    parts.push(`<text x="${lx + 20}" y="${H - 16}">${(NAMES[v] ?? v).split(' (')[0]!.slice(0, 32)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
