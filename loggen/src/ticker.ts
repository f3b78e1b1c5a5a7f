// The tick schedule. Ticks fall on a fixed grid (start + n * interval) like a Go
// ticker, so the rate does not drift with the time each line takes; ticks that fell
// due while the process was busy are caught up in a burst, unless it is more than
// MAX_LAG_MS behind (suspended VM, overloaded node): then the missed ticks are
// skipped and reported, instead of flooding. count only counts lines written, so it
// stays gap-free either way. Interval 0 = unpaced: ticks as fast as stdout takes them
// (stdout writes are synchronous, which is the back-pressure).
//
// Between ticks it sleeps on a timer, never shorter than a timer can wait (1 ms) nor,
// for intervals under MIN_SLEEP_MS, than MIN_SLEEP_MS, and then writes every tick that
// fell due in one batch. High rates become bursts per wakeup instead of a setImmediate
// spin until the next slot, so CPU time follows the lines written, not the time passed.

/** Emit ticks for at most this long before yielding, so signals and probes are served. */
export const BATCH_BUDGET_MS = 10;
/** Lag beyond which missed ticks are skipped rather than caught up. */
export const MAX_LAG_MS = 1000;
/**
 * Shortest sleep when ticks fall due more often than this. A timer wakeup costs CPU
 * whether it writes one line or a hundred (60-110 us each, measured on the 2-core build
 * machine), so shorter intervals are written as bursts of the ticks that fell due since
 * the last wakeup: a line comes at most this much after its slot, never before it.
 */
export const MIN_SLEEP_MS = 10;

export interface TickerOptions {
  /** Nanoseconds between ticks; 0 = unpaced. */
  readonly intervalNs: number;
  /** Stop after this many ticks; 0 = no limit. */
  readonly maxTicks: number;
  /** Writes one tick line; count starts at 1. */
  readonly onTick: (count: number) => void;
  /** maxTicks was reached; no more ticks follow. */
  readonly onLimit: () => void;
  /** The schedule slipped by more than MAX_LAG_MS; `skipped` ticks were dropped. */
  readonly onSkip: (skipped: number) => void;
  /** Monotonic milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export class Ticker {
  readonly #opts: TickerOptions;
  readonly #now: () => number;
  readonly #intervalMs: number;
  readonly #minSleepMs: number;
  #count = 0;
  #startMs = 0;
  /** Index of the next tick on the grid: it is due at startMs + slot * intervalMs. */
  #slot = 1;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #running = false;

  constructor(opts: TickerOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => performance.now());
    this.#intervalMs = opts.intervalNs / 1e6;
    this.#minSleepMs = this.#intervalMs < MIN_SLEEP_MS ? MIN_SLEEP_MS : 1;
  }

  /** Lines written so far. */
  get count(): number {
    return this.#count;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startMs = this.#now();
    this.#slot = 1;
    this.#schedule();
  }

  /** No tick runs after stop() returns. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #due(): number {
    return this.#startMs + this.#slot * this.#intervalMs;
  }

  #schedule(): void {
    if (!this.#running) return;
    const delay = this.#intervalMs === 0 ? 0 : this.#due() - this.#now();
    // Overdue (unpaced, or a catch-up cut short by the batch budget): go on as soon as the
    // event loop has had its turn. Otherwise sleep whole milliseconds, rounded up: a timer
    // cannot wait less (and may fire a fraction early, which costs one more short sleep).
    if (delay <= 0) this.#immediate = setImmediate(() => this.#run());
    else this.#timer = setTimeout(() => this.#run(), Math.max(Math.ceil(delay), this.#minSleepMs));
  }

  #run(): void {
    this.#timer = undefined;
    this.#immediate = undefined;
    const begin = this.#now();
    const paced = this.#intervalMs > 0;
    if (paced) {
      const lag = begin - this.#due();
      if (lag > MAX_LAG_MS) {
        // Keep exactly one overdue slot (written below); drop the older ones.
        const skipped = Math.floor(lag / this.#intervalMs);
        this.#slot += skipped;
        this.#opts.onSkip(skipped);
      }
    }
    for (let i = 0; this.#running; i++) {
      const now = paced || (i & 63) === 0 ? this.#now() : begin;
      if (paced && this.#due() > now) break;
      if (now - begin >= BATCH_BUDGET_MS) break;
      this.#count++;
      this.#slot++;
      this.#opts.onTick(this.#count);
      if (this.#opts.maxTicks > 0 && this.#count >= this.#opts.maxTicks) {
        this.stop();
        this.#opts.onLimit();
        return;
      }
    }
    this.#schedule();
  }
}
