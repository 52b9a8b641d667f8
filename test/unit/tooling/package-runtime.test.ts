import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The npm package runs with `npm install --omit=dev` (docs/deploy.md): every module the
 * compiled server loads must be a dependency. Checked on what tsc emits (type-only imports
 * are gone), so a stray runtime import of a dev dependency (tsx, vitest, codegen) fails here
 * in a second, before the slower package smoke run in CI (scripts/smoke-package.sh).
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Bare specifiers the emitted JS loads: static imports, re-exports, import(), and pino transport targets (loaded by name). */
function runtimePackages(file: string): string[] {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: file }).outputText;
  const specifiers = [...js.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\btarget:\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('the package at run time', () => {
  const used = new Map<string, string[]>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    for (const name of runtimePackages(file)) used.set(name, [...(used.get(name) ?? []), file.slice(ROOT.length)]);
  }

  it('loads only dependencies, never a dev dependency', () => {
    const missing = [...used].filter(([name]) => !(name in pkg.dependencies)).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing).toEqual([]);
    // The scan sees the server's real imports (a regex that matched nothing would pass the check above).
    for (const name of ['graphql-yoga', 'undici', 'pino-pretty', '@graphql-yoga/render-graphiql']) expect(used.has(name), name).toBe(true);
  });

  it('declares no dependency that neither the server nor one of its dependencies (a peer dependency) loads', () => {
    const peers = new Set(
      [...used.keys()].flatMap((name) => Object.keys((JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { peerDependencies?: object }).peerDependencies ?? {})),
    );
    expect(Object.keys(pkg.dependencies).filter((name) => !used.has(name) && !peers.has(name))).toEqual([]);
  });

  it('has a message-status-graph bin that is the compiled src/bin.ts, a node script', () => {
    expect(pkg.bin).toEqual({ 'message-status-graph': 'dist/bin.js' });
    expect(readFileSync(join(ROOT, 'src/bin.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });
});
