/**
 * bench/RESULTS.md is rewritten from scratch by `npm run bench`, but parts of it come from other
 * runs: `npm run bench:replicas` (the replicas block) and a run with several `--node` (the Node.js
 * lines block, which may be a quick run beside a full one). Each part sits between two markers
 * named after it, and each writer keeps the others' parts when it writes the file.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The marked blocks, in the order a rewrite of the file puts them back. */
export const BLOCKS = ['node-lines', 'replicas', 'adaptive-limit', 'profile'] as const;
export type BlockName = (typeof BLOCKS)[number];

const start = (name: BlockName) => `<!-- ${name}:start -->`;
const end = (name: BlockName) => `<!-- ${name}:end -->`;

/** The block `name` of `text`, markers included; undefined when there is none (or it is not closed). */
export function markedBlock(text: string, name: BlockName): string | undefined {
  const a = text.indexOf(start(name));
  const b = a < 0 ? -1 : text.indexOf(end(name), a);
  return b < 0 ? undefined : text.slice(a, b + end(name).length);
}

/** `body` (without markers) as the block `name`. */
export const asBlock = (name: BlockName, body: string) => `${start(name)}\n${body.trim()}\n${end(name)}`;

/** `text` with its block `name` replaced by `block`, or `block` appended when it has none. */
export function withBlock(text: string, name: BlockName, block: string): string {
  const old = markedBlock(text, name);
  if (old !== undefined) return text.replace(old, () => block);
  return text.trim() ? `${text.trimEnd()}\n\n${block}\n` : `${block}\n`;
}

/** `fresh` (a whole new file) with every marked block the file at `path` holds now. */
export function keepingBlocksOf(path: string, fresh: string): string {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let text = fresh;
  for (const name of BLOCKS) {
    const block = markedBlock(old, name);
    if (block !== undefined && markedBlock(text, name) === undefined) text = withBlock(text, name, block);
  }
  return text;
}
