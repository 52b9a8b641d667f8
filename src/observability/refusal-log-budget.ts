/** Log lines of refused requests (4xx) per client address in each window; the rest are counted, not written. */
export const REFUSAL_LINES_PER_WINDOW = 10;
export const REFUSAL_WINDOW_MS = 10_000;
/** Addresses remembered at once; the least recently seen is forgotten first. */
const MAX_CLIENTS = 10_000;

interface Window {
  start: number;
  lines: number;
  unlogged: number;
}

/**
 * A refusal costs the caller nothing, and its log line was not bounded by anything: a key past
 * its rate limit wrote one line per 429 (3,000 lines, 844 KB, in 25 s from one key on a loaded
 * sandbox, more on an idle one). Each address gets REFUSAL_LINES_PER_WINDOW lines of refusals per
 * REFUSAL_WINDOW_MS; the next line it gets says how many were left out (`unloggedRefusals`), and
 * the metrics still count every refusal.
 */
export class RefusalLogBudget {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Undefined: leave this line out. Otherwise the refusals of `client` left out since its last line. */
  take(client: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(client);
    this.windows.delete(client);
    if (!window || now - window.start >= REFUSAL_WINDOW_MS) window = { start: now, lines: 0, unlogged: window?.unlogged ?? 0 };
    if (this.windows.size >= MAX_CLIENTS) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(client, window);
    if (window.lines >= REFUSAL_LINES_PER_WINDOW) {
      window.unlogged++;
      return undefined;
    }
    window.lines++;
    const unlogged = window.unlogged;
    window.unlogged = 0;
    return unlogged;
  }
}
