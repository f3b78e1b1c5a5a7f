// The tick schedule. Ticks fall on a fixed grid (start + n * interval) like a Go
// ticker, so the rate does not drift with the time each line takes; ticks that fell
// due while the process was busy are caught up in a burst, unless it is more than
// MAX_LAG_MS behind (suspended VM, overloaded node): then the missed ticks are
// skipped and reported, instead of flooding. count only counts lines written, so it
// stays gap-free either way. Interval 0 = unpaced: ticks as fast as stdout takes them
// (stdout writes are synchronous, which is the back-pressure).

/** Emit ticks for at most this long before yielding, so signals and probes are served. */
export const BATCH_BUDGET_MS = 10;
/** Lag beyond which missed ticks are skipped rather than caught up. */
export const MAX_LAG_MS = 1000;

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
    // setTimeout has millisecond granularity; shorter waits are caught up by the batch.
    if (delay < 1) this.#immediate = setImmediate(() => this.#run());
    else this.#timer = setTimeout(() => this.#run(), delay);
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
