/**
 * The CPU-profile block of bench/RESULTS.md, written by `npm run bench -- --profile`: the summary
 * of this run ("now") above the one of the run before it ("before"), so a change to the request
 * path shows its profile beside the one it changed. Older summaries are dropped; each run's own
 * files stay in bench/profiles/.
 */
import { asBlock, markedBlock } from './results-block.js';

const NOW = '<!-- profile:now -->';
const BEFORE = '<!-- profile:before -->';

/** The "now" summary a block holds (what becomes "before" on the next run); undefined when there is none. */
export function currentSummary(block: string | undefined): string | undefined {
  if (!block) return undefined;
  const a = block.indexOf(NOW);
  if (a < 0) return undefined;
  const b = block.indexOf(BEFORE, a);
  const end = b >= 0 ? b : block.lastIndexOf('<!--');
  return block.slice(a + NOW.length, end).trim() || undefined;
}

/** The block for a run whose summary is `now` (rendered by renderSummary), keeping the current one of `text` (RESULTS.md) as "before". */
export function profileBlock(text: string, now: string, command: string): string {
  const before = currentSummary(markedBlock(text, 'profile'));
  const body = [
    '## CPU profile of S: now and before',
    '',
    `Written by \`${command}\` (bench/run.ts): S alone, under the CPU profiler after the warm-up, self time by package and function. Each profile run puts its summary first and keeps the previous one below it as "before"; compare the shares, not the sample counts.`,
    '',
    NOW,
    now.trim().replace(/^### /, '### Now: '),
    '',
    ...(before ? [BEFORE, before.replace(/^### Now: /, '### Before: ')] : []),
  ].join('\n');
  return asBlock('profile', body);
}
