/** One summarized refusal: the fields of the latest one, and how many it stands for. */
export type RefusalLine = Record<string, unknown> & { count: number };

interface Window {
  count: number;
  fields: Record<string, unknown>;
  timer: NodeJS.Timeout;
}

/**
 * Refusal log lines, bounded: at most one per kind (provider and reason) per `windowMs`. The
 * first refusal of a quiet kind is written at once (count 1); the ones after it within the
 * window are counted, and written as one line (with their count and the latest one's fields)
 * when the window ends. A flood of refusals writes a line a minute, not a line a refusal.
 * Kinds are few and fixed (providers × outcomes), so the windows are bounded too.
 */
export class RefusalLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly write: (line: RefusalLine) => void,
    private readonly windowMs = 60_000,
  ) {}

  note(kind: string, fields: Record<string, unknown>): void {
    const open = this.windows.get(kind);
    if (open) {
      open.count += 1;
      open.fields = fields;
      return;
    }
    this.write({ ...fields, count: 1 });
    this.openWindow(kind, fields);
  }

  /** Writes what is counted and stops the timers (at shutdown). */
  close(): void {
    for (const [kind, window] of this.windows) {
      clearTimeout(window.timer);
      if (window.count > 0) this.write({ ...window.fields, count: window.count });
      this.windows.delete(kind);
    }
  }

  private openWindow(kind: string, fields: Record<string, unknown>): void {
    const window: Window = {
      count: 0,
      fields,
      timer: setTimeout(() => {
        this.windows.delete(kind);
        if (window.count === 0) return;
        this.write({ ...window.fields, count: window.count });
        // Still refusing: the next line is again a window away.
        this.openWindow(kind, window.fields);
      }, this.windowMs),
    };
    // A pending summary never keeps the process alive.
    window.timer.unref();
    this.windows.set(kind, window);
  }
}
