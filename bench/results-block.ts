/**
 * bench/RESULTS.md is rewritten from scratch by `npm run bench`, but one part of it comes from
 * another command (`npm run bench:replicas`): that part sits between two markers, and each
 * writer keeps the other's part when it writes the file.
 */
import { existsSync, readFileSync } from 'node:fs';

const START = '<!-- replicas:start -->';
const END = '<!-- replicas:end -->';

/** The marked block of `text`, markers included; undefined when there is none (or it is not closed). */
export function markedBlock(text: string): string | undefined {
  const a = text.indexOf(START);
  const b = a < 0 ? -1 : text.indexOf(END, a);
  return b < 0 ? undefined : text.slice(a, b + END.length);
}

/** `body` (without markers) as a marked block. */
export const asBlock = (body: string) => `${START}\n${body.trim()}\n${END}`;

/** `text` with its marked block replaced by `block`, or `block` appended when it has none. */
export function withBlock(text: string, block: string): string {
  const old = markedBlock(text);
  if (old !== undefined) return text.replace(old, () => block);
  return `${text.trimEnd()}\n\n${block}\n`;
}

/** `fresh` (a whole new file) with the marked block the file at `path` holds now, if any. */
export function keepingBlockOf(path: string, fresh: string): string {
  const block = existsSync(path) ? markedBlock(readFileSync(path, 'utf8')) : undefined;
  return block === undefined ? fresh : withBlock(fresh, block);
}
