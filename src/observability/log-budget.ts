/** How many lines one key may write per window. */
export interface LogBudgetRule {
  linesPerWindow: number;
  windowMs: number;
}

/** Refused GraphQL requests: per client address. */
export const REQUEST_REFUSALS: LogBudgetRule = { linesPerWindow: 10, windowMs: 10_000 };
/** Refused webhooks and failed webhook fetches: per provider and outcome (a few fixed keys). */
export const WEBHOOK_REFUSALS: LogBudgetRule = { linesPerWindow: 1, windowMs: 60_000 };

/** Keys remembered at once; the least recently seen is forgotten first. */
const MAX_KEYS = 10_000;

interface Window {
  start: number;
  lines: number;
  unlogged: number;
}

/**
 * Log lines of what a caller controls, bounded. A refusal costs the caller nothing, and its line
 * was bounded by nothing: a key past its rate limit wrote one line per 429 (3,000 lines, 844 KB
 * in 25 s from one key), 8,000 guessed webhook tokens wrote 8,000 lines. Each key (a client
 * address, a provider and outcome) gets `linesPerWindow` lines per `windowMs`; the rest are
 * counted, and the key's next line says how many were left out (`unloggedRefusals`). The
 * metrics still count every one. No timer: a quiet key costs nothing.
 */
export class LogBudget {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly rule: LogBudgetRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Undefined: leave this line out. Otherwise the lines of `key` left out since its last one. */
  take(key: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    this.windows.delete(key);
    if (!window || now - window.start >= this.rule.windowMs) window = { start: now, lines: 0, unlogged: window?.unlogged ?? 0 };
    if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, window);
    if (window.lines >= this.rule.linesPerWindow) {
      window.unlogged++;
      return undefined;
    }
    window.lines++;
    const unlogged = window.unlogged;
    window.unlogged = 0;
    return unlogged;
  }

  /** `fields` with the count left out before it, or undefined when this line is left out. */
  line<T extends object>(key: string, fields: T): (T & { unloggedRefusals?: number }) | undefined {
    const unlogged = this.take(key);
    if (unlogged === undefined) return undefined;
    return unlogged > 0 ? { ...fields, unloggedRefusals: unlogged } : fields;
  }
}
