/**
 * Bytes allocated per request, by package and function: a variant's server under a fixed number
 * of requests (16 at a time), with V8's sampling heap profiler counting every allocation, also
 * those the GC has collected since. Allocation counts barely move with the machine's load, unlike
 * CPU timings on shared cores, so each change to the request path can be measured on its own.
 * The CPU per request of an unsampled pass of the same requests is printed beside it (noisy).
 *
 *   node --import tsx bench/alloc.ts [--variants B0,S] [--workloads fresh-10,hot-1] [--requests 2000] [--node PATH]
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { benchKey } from './credentials.js';
import { d7Id, makeRefs, type RefsShape } from './ids.js';
import { packageOf } from './profile-summary.js';
import { ask, BENCH_DIR, buildChildren, drain, mark, startMock, startServer, stop } from './processes.js';
import { BENCH_QUERY } from './variants/common.js';

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string', default: 'B0,S' },
    workloads: { type: 'string', default: 'fresh-1,fresh-10,fresh-100,repeat50-10,hot-1' },
    requests: { type: 'string', default: '2000' },
    node: { type: 'string' },
    top: { type: 'string', default: '20' },
  },
});

const SHAPES: Record<string, RefsShape & { hot?: boolean }> = {
  'fresh-1': { size: 1, repeated: 0, providers: 'D7' },
  'fresh-10': { size: 10, repeated: 0, providers: 'D7' },
  'fresh-100': { size: 100, repeated: 0, providers: 'D7' },
  'repeat50-10': { size: 10, repeated: 0.5, providers: 'D7' },
  'mix-10': { size: 10, repeated: 0, providers: 'mix' },
  'hot-1': { size: 1, repeated: 0, providers: 'D7', hot: true },
};

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const run = Math.floor(Math.random() * 0xffffffff);
let counter = 0;

/** `count` requests, `connections` at a time; resolves when all are answered (each checked for data). */
async function fire(pool: Pool, shape: RefsShape & { hot?: boolean }, count: number, connections = 16): Promise<void> {
  const hotBody = JSON.stringify({ query: BENCH_QUERY, variables: { refs: [{ provider: 'D7', id: d7Id(run, 0, 0) }] } });
  let left = count;
  const worker = async () => {
    while (left-- > 0) {
      const body = shape.hot ? hotBody : JSON.stringify({ query: BENCH_QUERY, variables: { refs: makeRefs(run, ++counter, shape) } });
      const res = await pool.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': benchKey(0) }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200 || /"errors"|ProviderError|MessageNotFound|InvalidMessageId/.test(text)) throw new Error(`non-data answer: ${res.statusCode} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}

function summarize(file: string, requests: number, top: number) {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    if (node.selfSize) {
      const { functionName, url, lineNumber } = node.callFrame;
      const pkg = packageOf(url, functionName);
      const fn = `${functionName || '(anonymous)'} ${url ? url.slice(url.lastIndexOf('/') + 1) : ''}:${lineNumber + 1} [${pkg}]`;
      total += node.selfSize;
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(head);
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, bytes]) => `    ${(bytes / requests / 1024).toFixed(2).padStart(8)} KiB/req  ${name}`);
  return { kibPerRequest: total / requests / 1024, lines: ['  by package:', ...rank(byPackage), '  by function (self):', ...rank(byFunction)] };
}

async function main() {
  buildChildren();
  const dir = join(BENCH_DIR, 'profiles', `alloc-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const requests = Number(args.requests);
  const { mock, upstream } = await startMock(20, 0);
  const rows: string[] = [];
  try {
    for (const variant of args.variants.split(',')) {
      for (const name of args.workloads.split(',')) {
        const shape = SHAPES[name]!;
        const { child, port } = await startServer(variant, upstream, { sockets: 256 }, { BENCH_PROFILE_DIR: dir }, args.node ?? process.execPath);
        const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16 });
        try {
          await fire(pool, shape, 300);
          await drain(mock);
          const before = await mark(child);
          await fire(pool, shape, requests);
          const after = await mark(child);
          await drain(mock);
          await ask(child, { type: 'heap-start' }, 'heap-started');
          await fire(pool, shape, requests);
          const { file } = await ask<{ file: string }>(child, { type: 'heap-stop' }, 'heap-stopped');
          const cpu = (after.cpuMicros - before.cpuMicros) / 1000 / requests;
          const s = summarize(file, requests, Number(args.top));
          const row = `${variant} ${name}: ${s.kibPerRequest.toFixed(1)} KiB allocated/req, CPU ${cpu.toFixed(3)} ms/req (unsampled pass), RSS ${(after.rss / 1048576).toFixed(0)} MB`;
          rows.push(row);
          console.log(row);
          console.log(s.lines.join('\n'));
        } finally {
          await pool.close();
          await stop(child);
        }
      }
    }
  } finally {
    await stop(mock);
  }
  console.log(`\nsummary (${requests} requests each; heap profiles in ${dir}):\n${rows.join('\n')}`);
}

await main();
