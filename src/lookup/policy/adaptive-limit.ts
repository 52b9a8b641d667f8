/** What one upstream attempt said about the provider's load (see `AdaptiveLimit.sample`). */
export type LoadSignal =
  /** It answered (found, not found, or refused our request): its round-trip time counts. */
  | 'answered'
  /** It is overloaded or unwell: 429, 5xx, unreachable, or our attempt timeout passed. */
  | 'overload';

export interface AdaptiveLimitOptions {
  /** The limit before any sample. */
  initial: number;
  /** Floor: the limit never goes below it. */
  min: number;
  /** Ceiling: the limit never goes above it. */
  max: number;
}

/**
 * A window RTT up to TOLERANCE × the no-load RTT + SELF_DELAY_MS counts as "no queue at the
 * provider" (Vegas' alpha, Netflix's rttTolerance). The additive part is our own share: a busy
 * process (or machine) runs its answer callbacks late by the same few tens of ms whatever the
 * provider's RTT. Without it, at 16 × 10 fresh ids against a 20 ms mock on a loaded 2-core
 * machine, windows' least RTT reached 40–90 ms with the provider unchanged, and the limit was
 * held below the demand (0.36–0.69× the throughput of a pinned limit, bench fresh-10).
 */
const TOLERANCE = 2;
const SELF_DELAY_MS = 50;
/** The gradient's lower clamp: on RTT growth the target is at least half the limit... */
const RTT_BACKOFF = 0.5;
/**
 * ...and the limit moves half way to it per window: one window of our own stall (a GC pause, a
 * busy machine) costs at most a quarter of the limit, not half; a provider that stays slow is
 * followed down to the floor within a dozen windows.
 */
const RTT_SMOOTHING = 0.5;
/** An overload signal (429, 5xx, timeout) is the provider's own word: the limit falls at once... */
const OVERLOAD_BACKOFF = 0.7;
/**
 * ...when at least this share of the window's samples said it. A provider out of capacity fails
 * calls whatever their id; a few failures among healthy answers are those ids' own (the sandbox's
 * erroring and slow ids, a record the provider chokes on), which one client can ask for as often as
 * it likes: counted by their mere presence, one per window held every client's limit near its floor.
 */
const OVERLOAD_SHARE = 0.25;
/** A window closes at its first sample after one no-load RTT, once it has this many samples... */
const WINDOW_SAMPLES = 10;
/** ...or at its first sample after this long, however few it has (a slow provider at the floor). */
const WINDOW_MAX_MS = 1_000;
/**
 * The no-load RTT forgets, with this time constant, toward what the provider answers now: a
 * provider that got permanently slower becomes the new normal in about a minute, instead of
 * holding the limit at its floor forever.
 */
const MIN_RTT_DECAY_MS = 30_000;

/**
 * An adaptive concurrency limit for one provider, in the spirit of TCP Vegas and Netflix's
 * gradient limiter. Pure: the caller feeds it each attempt's round-trip time, what the attempt
 * said, and the calls in flight; it reads `limit` back. Once per window (about one RTT):
 * - a quarter or more of the window's samples said overload (429, 5xx, timeout): limit × 0.7
 *   (multiplicative decrease); fewer are those ids' own trouble, not the provider's load;
 * - else gradient = clamp((2 × noLoadRtt + 50 ms) / windowRtt, 0.5, 1), where windowRtt is the window's
 *   least RTT (as in Vegas: our own event loop delays some answers, the provider's queue all of
 *   them, so the least is the provider's share): while it stays within that bound the
 *   provider is not queueing and the limit grows by √limit, but only if the
 *   window used at least half of it (no growth on idle credit); past that it moves half way
 *   to limit × gradient (at most × 0.75 per window).
 * The no-load RTT is the least RTT seen, decaying toward recent windows' (see MIN_RTT_DECAY_MS).
 */
export class AdaptiveLimit {
  private estimate: number;
  private noLoadRtt = Number.POSITIVE_INFINITY;
  private windowStart: number | undefined;
  private windowRtt = Number.POSITIVE_INFINITY;
  private windowSamples = 0;
  private windowOverload = 0;
  private windowPeakInFlight = 0;
  private lastUpdate: number | undefined;
  private current: number;

  constructor(
    private readonly options: AdaptiveLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (options.min < 1 || options.max < options.min) throw new RangeError(`adaptive limit: need 1 <= min <= max, got ${options.min}..${options.max}`);
    this.estimate = this.clamp(options.initial);
    this.current = Math.floor(this.estimate);
  }

  /** Calls allowed at once now: a whole number within [min, max]. */
  get limit(): number {
    return this.current;
  }

  /** The no-load round-trip time it compares with, ms (Infinity before the first window). */
  get baselineRtt(): number {
    return this.noLoadRtt;
  }

  /**
   * One finished attempt: its round-trip time (ms), what it said, and the calls in flight when it
   * started (its own included). True when `limit` changed. Costs a few additions per call; the
   * arithmetic runs once per window.
   */
  sample(rttMs: number, signal: LoadSignal, inFlight: number): boolean {
    const now = this.now();
    this.windowStart ??= now;
    this.windowSamples += 1;
    if (inFlight > this.windowPeakInFlight) this.windowPeakInFlight = inFlight;
    if (signal === 'overload') this.windowOverload += 1;
    else if (rttMs < this.windowRtt) this.windowRtt = rttMs;
    const elapsed = now - this.windowStart;
    // Before the first window there is no RTT to wait for: ten samples make it.
    const windowMs = Number.isFinite(this.noLoadRtt) ? Math.min(this.noLoadRtt, WINDOW_MAX_MS) : 0;
    const full = this.windowSamples >= WINDOW_SAMPLES && elapsed >= windowMs;
    if (!full && elapsed < WINDOW_MAX_MS) return false;
    return this.closeWindow(now);
  }

  private closeWindow(now: number): boolean {
    const before = this.current;
    const limit = this.estimate;
    if (this.windowOverload > 0 && this.windowOverload >= OVERLOAD_SHARE * this.windowSamples) {
      this.estimate = limit * OVERLOAD_BACKOFF;
    } else if (Number.isFinite(this.windowRtt)) {
      const rtt = this.windowRtt;
      this.learnNoLoadRtt(rtt, now);
      const gradient = Math.max(RTT_BACKOFF, Math.min(1, (TOLERANCE * this.noLoadRtt + SELF_DELAY_MS) / rtt));
      const inUse = this.windowPeakInFlight >= limit / 2;
      // Growth only while the limit is in use: an idle provider earns no credit to burst with later.
      if (gradient < 1) this.estimate = limit * (1 - RTT_SMOOTHING * (1 - gradient));
      else if (inUse) this.estimate = limit + Math.sqrt(limit);
    }
    this.estimate = this.clamp(this.estimate);
    this.current = Math.floor(this.estimate);
    this.lastUpdate = now;
    this.windowStart = undefined;
    this.windowRtt = Number.POSITIVE_INFINITY;
    this.windowSamples = 0;
    this.windowOverload = 0;
    this.windowPeakInFlight = 0;
    return this.current !== before;
  }

  private learnNoLoadRtt(rtt: number, now: number): void {
    if (rtt <= this.noLoadRtt) {
      this.noLoadRtt = rtt;
      return;
    }
    // Decay toward the window's RTT by the time since the last window (exact for any window length).
    const since = now - (this.lastUpdate ?? now);
    this.noLoadRtt += (rtt - this.noLoadRtt) * (1 - Math.exp(-since / MIN_RTT_DECAY_MS));
  }

  private clamp(value: number): number {
    return Math.min(this.options.max, Math.max(this.options.min, value));
  }
}
