/**
 * Time left in a training run, for the live view's progress bar.
 *
 * A plain "elapsed x remaining / done" estimate starts far off: the first iteration's accuracy
 * check (on top of the JIT warming up) makes the first iterations look slow, so the bar would say
 * "22m10s left" and a second later "2m11s". Here the measurement starts after that first check,
 * accuracy checks are timed apart from iterations, and no estimate is given before `minMs` of
 * measurement and `minIterations` iterations.
 */

/** Options of {@link TrainingClock}. */
export interface TrainingClockOptions {
  /** measure at least this long before estimating, ms (1000) */
  minMs?: number;
  /** measure at least this many iterations before estimating (5) */
  minIterations?: number;
}

/** Times iterations and accuracy checks; all times are in ms of the caller's clock. */
export class TrainingClock {
  private readonly minMs: number;
  private readonly minIterations: number;
  /** time and iteration where the measurement starts (-1: not started) */
  private start = -1;
  private startIteration = 0;
  private lastIterationTime = -1;
  private firstCheckSeen = false;
  private firstCheckMs = Number.NaN;
  private checkMs = 0;
  private checks = 0;

  constructor(options: TrainingClockOptions = {}) {
    this.minMs = options.minMs ?? 1000;
    this.minIterations = options.minIterations ?? 5;
    if (!(this.minMs >= 0) || !(this.minIterations >= 1)) {
      throw new RangeError(
        `TrainingClock: minMs must be >= 0 and minIterations >= 1, got ${this.minMs} and ${this.minIterations}`,
      );
    }
  }

  /** Records that iteration `iteration` (1-based) ended at time `t`. */
  iteration(iteration: number, t: number): void {
    if (this.firstCheckSeen && this.start < 0) {
      this.start = t;
      this.startIteration = iteration;
    }
    this.lastIterationTime = t;
  }

  /** Records that an accuracy check (run right after the last iteration) ended at time `t`. */
  check(t: number): void {
    const ms = this.lastIterationTime >= 0 ? t - this.lastIterationTime : Number.NaN;
    if (!this.firstCheckSeen) {
      this.firstCheckSeen = true;
      this.firstCheckMs = ms;
      return;
    }
    if (this.start >= 0 && Number.isFinite(ms)) {
      this.checkMs += ms;
      this.checks += 1;
    }
  }

  /** Starts measuring afresh from the next iteration (a run resumed after a pause). */
  restart(): void {
    this.start = -1;
    this.checkMs = 0;
    this.checks = 0;
    this.firstCheckSeen = true;
    this.lastIterationTime = -1;
  }

  /**
   * Estimated ms until the run ends, or NaN while there is too little to go on.
   *
   * @param iteration iterations done
   * @param numIterations iterations in the run
   * @param checksLeft accuracy checks still to come
   * @param t the time now
   */
  msLeft(iteration: number, numIterations: number, checksLeft: number, t: number): number {
    if (this.start < 0) return Number.NaN;
    const iterations = iteration - this.startIteration;
    const measured = t - this.start;
    if (iterations < this.minIterations || measured < this.minMs) return Number.NaN;
    const perIteration = Math.max(0, measured - this.checkMs) / iterations;
    const perCheck = this.checks > 0 ? this.checkMs / this.checks : this.firstCheckMs;
    const checks = Number.isFinite(perCheck) ? Math.max(0, checksLeft) * perCheck : 0;
    return Math.max(0, numIterations - iteration) * perIteration + checks;
  }
}
