/**
 * Summarizes V8 .cpuprofile files (node --cpu-prof) by package and by function, as the
 * share of samples spent in each (self time), so a profile can be read and compared in
 * RESULTS.md without a viewer. Packages: a node_modules package, `node:` internals, our
 * own `src/`, or V8's pseudo-nodes ((garbage collector), (program), (idle)).
 *
 *   node --import tsx bench/profile-summary.ts bench/profiles/*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Share of non-idle samples, 0..1. */
  share: number;
}

export interface ProfileSummary {
  samples: number;
  byPackage: Share[];
  byFunction: Share[];
}

/** `undici`, `@pothos/core`, `node:internal`, `src/lookup`, `packages/promise-helpers`, or the V8 pseudo-node's name. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internals)';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    const rest = url.slice(at + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  // Ours: a folder of src/ or bench/, or one of packages/ (npm links it, Node reports its real path).
  const src = url.match(/\/(src|bench|packages)\/(?!out\/)(.*)$/);
  return src ? `${src[1]}/${src[2]!.split('/')[0]}` : url;
}

export function summarize(profiles: CpuProfile[], top = 25): ProfileSummary {
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const id of profile.samples) {
      const node = byId.get(id);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') continue;
      total += 1;
      const pkg = packageOf(url, functionName);
      packages.set(pkg, (packages.get(pkg) ?? 0) + 1);
      const file = url ? url.slice(url.lastIndexOf('/') + 1) : '';
      const fn = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''} [${pkg}]`;
      functions.set(fn, (functions.get(fn) ?? 0) + 1);
    }
  }
  const ranked = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, n]) => ({ name, share: n / Math.max(1, total) }));
  return { samples: total, byPackage: ranked(packages), byFunction: ranked(functions) };
}

export function renderSummary(title: string, summary: ProfileSummary): string {
  const pct = (s: number) => `${(s * 100).toFixed(1)}%`;
  return [
    `### ${title}`,
    '',
    `${summary.samples} samples (idle excluded), self time.`,
    '',
    '| package | share |',
    '|---|---:|',
    ...summary.byPackage.map((s) => `| ${s.name} | ${pct(s.share)} |`),
    '',
    '| function | share |',
    '|---|---:|',
    ...summary.byFunction.map((s) => `| \`${s.name.replace(/\|/g, '\\|')}\` | ${pct(s.share)} |`),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  const profiles = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
  console.log(renderSummary(files.join(', '), summarize(profiles)));
}
