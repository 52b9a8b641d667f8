// @ts-check
// An ESLint rule: no import circle among the files under one folder, type-only imports counted.
// import-x/no-cycle skips `import type` by design (it guards against run-time cycles only); here
// a type import closes a circle too, since layers cannot be stated over a circle of any kind.
// Imports are resolved by TypeScript itself (the project's tsconfig.json), so `./x.js` finds x.ts.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** @typedef {{ files: Map<string, string[]>, circleOf: Map<string, Set<string>>, signature: string, checkedAt: number }} Graph */

/** How long a graph is used without looking at the files again: one lint run checks them a few times, not once per file. */
const RECHECK_MS = 1_000;

/** @type {Map<string, ts.CompilerOptions>} */
const optionsByConfig = new Map();
/** @type {Map<string, Graph>} */
const graphs = new Map();

/** @param {string} cwd */
function compilerOptions(cwd) {
  const configPath = path.join(cwd, 'tsconfig.json');
  let options = optionsByConfig.get(configPath);
  if (!options) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    options = read.error ? {} : ts.parseJsonConfigFileContent(read.config, ts.sys, cwd).options;
    optionsByConfig.set(configPath, options);
  }
  return options;
}

/** @param {string} root */
function sourceFiles(root) {
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.[cm]?tsx?$/.test(name) && !/\.d\.[cm]?ts$/.test(name))
    .map((name) => path.join(root, name))
    .sort();
}

/**
 * What `specifier` in `from` resolves to, when it is a file under `root`.
 * @param {string} specifier @param {string} from @param {string} root @param {ts.CompilerOptions} options @param {ts.ModuleResolutionCache} [cache]
 */
function resolveUnder(specifier, from, root, options, cache) {
  const resolved = ts.resolveModuleName(specifier, from, options, ts.sys, cache).resolvedModule;
  if (!resolved || resolved.isExternalLibraryImport) return undefined;
  const file = path.resolve(resolved.resolvedFileName);
  return file.startsWith(root + path.sep) ? file : undefined;
}

/**
 * Strongly connected components (Tarjan) of more than one file, or of one file importing itself.
 * @param {Map<string, string[]>} files
 */
function circles(files) {
  /** @type {Map<string, Set<string>>} */
  const circleOf = new Map();
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  let next = 0;
  /** @param {string} file */
  const visit = (file) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of files.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (low.get(target))));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (index.get(target))));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const members = new Set();
    let member;
    do {
      member = /** @type {string} */ (stack.pop());
      onStack.delete(member);
      members.add(member);
    } while (member !== file);
    if (members.size > 1 || (files.get(file) ?? []).includes(file)) for (const m of members) circleOf.set(m, members);
  };
  for (const file of files.keys()) if (!index.has(file)) visit(file);
  return circleOf;
}

/**
 * The import graph under `root`, read from disk; rebuilt only when a file is added, removed or
 * changed (an editor keeps one process for many lint runs).
 * @param {string} root @param {ts.CompilerOptions} options
 */
function graphOf(root, options) {
  const known = graphs.get(root);
  const now = Date.now();
  if (known && now - known.checkedAt < RECHECK_MS) return known;
  const names = sourceFiles(root);
  const signature = names.map((name) => `${name}:${fs.statSync(name).mtimeMs}`).join('\n');
  if (known && known.signature === signature) {
    known.checkedAt = now;
    return known;
  }
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  /** @type {Map<string, string[]>} */
  const files = new Map();
  for (const name of names) {
    const imported = ts.preProcessFile(fs.readFileSync(name, 'utf8'), true, true).importedFiles;
    const targets = imported.flatMap(({ fileName }) => resolveUnder(fileName, name, root, options, cache) ?? []);
    files.set(name, [...new Set(targets)]);
  }
  const graph = { files, circleOf: circles(files), signature, checkedAt: now };
  graphs.set(root, graph);
  return graph;
}

/**
 * The shortest way from `start` back to `end` inside one circle.
 * @param {Graph} graph @param {string} start @param {string} end @param {Set<string>} members
 */
function wayBack(graph, start, end, members) {
  /** @type {Map<string, string | undefined>} */
  const cameFrom = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    if (file === end) break;
    for (const target of graph.files.get(file) ?? []) {
      if (!members.has(target) || cameFrom.has(target)) continue;
      cameFrom.set(target, file);
      queue.push(target);
    }
  }
  /** @type {string[]} */
  const way = [];
  for (let file = /** @type {string | undefined} */ (end); file !== undefined; file = cameFrom.get(file)) way.unshift(file);
  return way;
}

/** @type {import('eslint').Rule.RuleModule} */
const noImportCircle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import circles (type-only imports included) among the files under a folder' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: { circle: 'This import closes an import circle (type imports count): {{circle}}' },
  },
  create(context) {
    const root = path.resolve(context.cwd, context.options[0]?.root ?? 'src');
    const filename = path.resolve(context.physicalFilename);
    if (!filename.startsWith(root + path.sep)) return {};
    const options = compilerOptions(context.cwd);
    const graph = graphOf(root, options);
    const members = graph.circleOf.get(filename);
    if (!members) return {};
    let reported = false;
    /** @param {import('estree').Node} node @param {string} target */
    const report = (node, target) => {
      reported = true;
      const way = [filename, ...wayBack(graph, target, filename, members)];
      context.report({ node, messageId: 'circle', data: { circle: way.map((file) => path.relative(root, file)).join(' → ') } });
    };
    /** @param {import('estree').Node & { source?: unknown }} node */
    const check = (node) => {
      const source = /** @type {{ type?: string, value?: unknown } | null | undefined} */ (node.source);
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveUnder(source.value, filename, root, options);
      if (target && members.has(target)) report(node, target);
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      // A circle closed by a form not visited above (`import('./x.js').T` in a type, `import x = require()`) is still reported, on the file.
      'Program:exit'(program) {
        const target = reported ? undefined : graph.files.get(filename)?.find((file) => members.has(file));
        if (target) report(program, target);
      },
    };
  },
};

export default { rules: { 'no-import-circle': noImportCircle } };
