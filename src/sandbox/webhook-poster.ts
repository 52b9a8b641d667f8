import type { SimulatorWebhookOptions } from '../providers/provider.js';

/** One event a simulated provider would push now: `key` names what it is about (a record, a message). */
export interface SimulatedEvent {
  key: string;
  /** Posted again only when this changes. */
  status: string;
  body: unknown;
}

/** The events a generated record would push now, and whether its state can still change. */
export type EventsOf = (id: string) => { events: SimulatedEvent[]; settled: boolean };

const DEFAULT_TICK_MS = 250;
const DEFAULT_MAX_TRACKED = 1_000;

/**
 * The sandbox side of webhooks: the records a simulator has served are checked on a timer, and
 * each new status is POSTed to the service, as the real provider would. Bounded: at most
 * `maxTracked` records, a record is dropped once settled (final, or its schedule is over), the
 * timer runs only while something is tracked and a tick waits for the previous one's posts.
 */
export class WebhookPoster {
  private readonly tracked = new Map<string, Map<string, string>>();
  private readonly tickMs: number;
  private readonly maxTracked: number;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private closed = false;
  /** Posts the service answered with 2xx, and posts that failed (refused or unreachable). */
  readonly counts = { posted: 0, failed: 0 };

  constructor(
    private readonly options: SimulatorWebhookOptions,
    private readonly eventsOf: EventsOf,
  ) {
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED;
  }

  /** Called when a generated record is served: its current statuses count as told (the GET told them). */
  track(id: string): void {
    if (this.closed || this.tracked.has(id) || this.tracked.size >= this.maxTracked) return;
    const { events, settled } = this.eventsOf(id);
    if (settled) return;
    this.tracked.set(id, new Map(events.map((e) => [e.key, e.status])));
    this.timer ??= setInterval(() => void this.tick(), this.tickMs).unref();
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  reset(): void {
    this.tracked.clear();
    this.stopTimer();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    const url = this.options.url();
    if (this.busy || url === undefined) return;
    this.busy = true;
    try {
      for (const [id, told] of [...this.tracked]) {
        const { events, settled } = this.eventsOf(id);
        for (const event of events) {
          if (told.get(event.key) === event.status) continue;
          told.set(event.key, event.status);
          await this.post(url, event.body);
          if (this.closed) return;
        }
        if (settled) this.tracked.delete(id);
      }
      if (this.tracked.size === 0) this.stopTimer();
    } finally {
      this.busy = false;
    }
  }

  // The simulator plays the provider calling us, not our provider I/O: plain fetch, not providers/http.ts.
  private async post(url: string, body: unknown): Promise<void> {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
      await res.body?.cancel();
      if (res.ok) this.counts.posted++;
      else this.counts.failed++;
    } catch {
      // The service may be starting or stopping: the sandbox never fails because of it.
      this.counts.failed++;
    }
  }
}
