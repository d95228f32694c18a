/**
 * One progress bar for the whole project: a pure formatter (`progressParts`: done, total, elapsed
 * -> bar, percent, elapsed, ETA) that any view can lay out, and a terminal line redrawn in place
 * (`terminalProgress`) used by the downloader and the training CLI.
 *
 * The ETA is a plain extrapolation of the rate so far, so it is left out (null) until the run has
 * gone on long enough for the rate to mean something: by default 2 s and 1% of the work.
 */

/** Thresholds and look of `progressParts`. */
export interface ProgressOptions {
  /** Characters of the bar. Default 30. */
  width?: number;
  /** Bar characters for done and to-do. Default `'#'` and `'-'`. */
  fill?: string;
  empty?: string;
  /** No ETA before this many seconds have passed. Default 2. */
  etaAfterSeconds?: number;
  /** No ETA before this fraction of the work is done. Default 0.01. */
  etaAfterFraction?: number;
}

/** The pieces of a progress display, formatted; lay them out as the view needs. */
export interface ProgressParts {
  /** done / total, in [0, 1]. */
  fraction: number;
  /** `width` characters, e.g. `'#########---------------------'`. */
  bar: string;
  /** e.g. `' 30%'` (padded to 4 characters). */
  percent: string;
  /** Time so far, e.g. `'42s'`, `'3m05s'`, `'1h02m'`. */
  elapsed: string;
  /** Estimated time left in the same format, or null while it is too early to tell. */
  eta: string | null;
}

/**
 * Formats the state of a job that has done `done` of `total` units in `elapsedSeconds`.
 *
 * @param done - units done, 0 <= done <= total
 * @param total - units in all, > 0
 * @param elapsedSeconds - seconds since the start, >= 0
 * @throws RangeError naming the argument when a value is not finite or out of range
 */
export function progressParts(
  done: number,
  total: number,
  elapsedSeconds: number,
  options: ProgressOptions = {},
): ProgressParts {
  const fn = 'progressParts';
  const {
    width = 30,
    fill = '#',
    empty = '-',
    etaAfterSeconds = 2,
    etaAfterFraction = 0.01,
  } = options;
  if (!Number.isFinite(total) || total <= 0) {
    throw new RangeError(`${fn}: total must be a finite number > 0, got ${total}`);
  }
  if (!Number.isFinite(done) || done < 0 || done > total) {
    throw new RangeError(`${fn}: done must be in [0, total = ${total}], got ${done}`);
  }
  if (!Number.isFinite(elapsedSeconds) || elapsedSeconds < 0) {
    throw new RangeError(
      `${fn}: elapsedSeconds must be a finite number >= 0, got ${elapsedSeconds}`,
    );
  }
  if (!Number.isInteger(width) || width < 0) {
    throw new RangeError(`${fn}: width must be an integer >= 0, got ${width}`);
  }
  const fraction = done / total;
  const filled = Math.round(fraction * width);
  const early = elapsedSeconds < etaAfterSeconds || fraction < etaAfterFraction;
  const left = done > 0 ? (elapsedSeconds * (total - done)) / done : Number.POSITIVE_INFINITY;
  return {
    fraction,
    bar: fill.repeat(filled) + empty.repeat(width - filled),
    percent: `${Math.floor(fraction * 100)}%`.padStart(4),
    elapsed: formatDuration(elapsedSeconds),
    eta: early || !Number.isFinite(left) ? null : formatDuration(left),
  };
}

/**
 * A duration as a person reads it: `'7s'`, `'42s'`, `'3m05s'`, `'1h02m'`.
 *
 * @throws RangeError when `seconds` is negative or not finite
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`formatDuration: seconds must be a finite number >= 0, got ${seconds}`);
  }
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * One terminal line: `[bar] percent detail · elapsed, ETA` (ETA `?` while too early).
 * For example `[#########---------------------]  30% 735/2450 · 4s, ~9s left`.
 */
export function progressLine(parts: ProgressParts, detail = ''): string {
  const time =
    parts.eta === null ? `${parts.elapsed}, ? left` : `${parts.elapsed}, ~${parts.eta} left`;
  return `[${parts.bar}] ${parts.percent}${detail ? ` ${detail}` : ''} · ${time}`;
}

/** Where `terminalProgress` draws: only `write` is used. */
export interface ProgressStream {
  write(text: string): unknown;
}

/** Options of `terminalProgress`. */
export interface TerminalProgressOptions extends ProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Text before the bar. Default `''`. */
  prefix?: string;
  /** Redraw at most this often; the last step always draws. Default 100 ms. */
  minIntervalMs?: number;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * A progress line redrawn in place (`\r`) on a terminal; the clock starts at this call. Call the
 * result with (done, total, detail); when done reaches total the line is drawn and ended.
 */
export function terminalProgress(
  options: TerminalProgressOptions = {},
): (done: number, total: number, detail?: string) => void {
  const { stream = process.stderr, prefix = '', minIntervalMs = 100, now = Date.now } = options;
  const start = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let ended = false;
  return (done, total, detail = '') => {
    const t = now();
    const finished = done >= total;
    if (ended || (!finished && t - lastDraw < minIntervalMs)) return;
    lastDraw = t;
    const parts = progressParts(done, total, (t - start) / 1000, options);
    stream.write(`\r${prefix}${progressLine(parts, detail)}\x1b[K`);
    if (finished) {
      ended = true;
      stream.write('\n');
    }
  };
}
