/**
 * The live training view: a progress bar and a loss / accuracy chart that update in place while a
 * Solver trains.
 */
import { type EpochProgress, formatFloat, type IterationProgress } from '../solver';
import { DisplayHandle, figureBundle, type MimeBundle, newDisplayId } from './display';
import { trainingHistoryFigure } from './figures';
import { trainingSvg } from './svgChart';

/** Options of {@link liveTrainingView}. */
export interface LiveTrainingViewOptions {
  /** heading shown above the bar */
  title?: string;
  /** draw the live loss / accuracy chart (true); false: progress bar only */
  chart?: boolean;
  /** minimum time between progress-bar updates, ms (500) */
  barIntervalMs?: number;
  /** minimum time between chart updates, ms (2000); the chart is also redrawn at every check */
  chartIntervalMs?: number;
  /** print the Solver's log lines (true) */
  printLog?: boolean;
  /** the clock (Date.now); tests pass their own */
  now?: () => number;
}

/**
 * Callbacks for the Solver's options, plus `finish` to draw the final frame yourself (`finish` is
 * not enumerable, so `{ ...view }` holds only the Solver's options).
 */
export interface LiveTrainingView {
  log: (line: string) => void;
  onIteration: (p: IterationProgress) => void;
  onEpoch: (p: EpochProgress) => void;
  /** draws the bar and the final (Plotly) chart with everything received so far; the Solver's
   * check after its last iteration does this by itself */
  finish: () => void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A progress bar and a loss / accuracy chart that update in place (display updates with a
 * display id) while a Solver trains, while the Solver's log lines still print below them. Spread
 * the result into the Solver's options: `new Solver(model, data, { ...options,
 * ...liveTrainingView() })`. Updates are throttled (`barIntervalMs`, `chartIntervalMs`). While
 * training the chart is an SVG; after the last iteration's accuracy check it becomes the
 * interactive Plotly figure.
 */
export function liveTrainingView(options: LiveTrainingViewOptions = {}): LiveTrainingView {
  const {
    title = 'Training',
    chart = true,
    barIntervalMs = 500,
    chartIntervalMs = 2000,
    printLog = true,
    now = Date.now,
  } = options;
  if (!(barIntervalMs >= 0) || !(chartIntervalMs >= 0)) {
    throw new RangeError(
      `liveTrainingView: barIntervalMs and chartIntervalMs must be >= 0, got ${barIntervalMs} and ${chartIntervalMs}`,
    );
  }
  const bar = new DisplayHandle();
  const chartHandle = chart ? new DisplayHandle() : null;
  const chartElementId = newDisplayId();
  const losses: number[] = [];
  const trainAcc: number[] = [];
  const valAcc: number[] = [];
  let last: IterationProgress | null = null;
  let started = -1;
  let lastBar = Number.NEGATIVE_INFINITY;
  let lastChart = Number.NEGATIVE_INFINITY;
  let epochsChecked = 0;
  /** iteration of the first non-finite loss, 0 while the loss is finite */
  let diverged = 0;

  function barBundle(): MimeBundle {
    const p = last;
    const done = p ? p.iteration : 0;
    const total = p ? p.numIterations : 1;
    const frac = Math.min(1, done / Math.max(1, total));
    const elapsed = started < 0 ? 0 : (now() - started) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
    const epoch = p ? Math.max(p.epoch, epochsChecked) : 0;
    const acc =
      valAcc.length > 0
        ? ` · val acc ${valAcc[valAcc.length - 1].toFixed(3)} (best ${Math.max(...valAcc).toFixed(3)})`
        : '';
    // A non-finite loss: the Solver stops such a run (stopOnDivergence) or it goes on to no avail.
    const tail = diverged
      ? ` · diverged at iteration ${diverged}`
      : done < total
        ? `, ~${formatSeconds(eta)} left`
        : '';
    const status = p
      ? `iteration ${done} / ${total} · epoch ${epoch} / ${p.numEpochs} · loss ${formatFloat(p.loss)}${acc} · ${formatSeconds(elapsed)} elapsed${tail}`
      : 'starting';
    const width = 30;
    const filled = Math.round(frac * width);
    return {
      'text/html': `<div class="cs231n-progress"><b>${escapeHtml(title)}</b> <progress value="${done}" max="${total}" style="width:40%;vertical-align:middle"></progress> <code>${escapeHtml(status)}</code></div>`,
      'text/plain': `${title} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}`,
    };
  }

  function drawBar(): void {
    lastBar = now();
    bar.show(barBundle());
  }

  /**
   * Redraws the chart: an SVG while training (JupyterLab's plotly renderer ignores updates of a
   * drawn chart, see ./svgChart.ts), the interactive Plotly figure for the final frame (a new
   * mimetype, so JupyterLab draws it afresh).
   */
  function drawChart(final: boolean): void {
    if (chartHandle === null) return;
    lastChart = now();
    const history = { lossHistory: losses, trainAccHistory: trainAcc, valAccHistory: valAcc };
    const text = `<Training chart: ${losses.length} iterations, ${valAcc.length} accuracy checks>`;
    if (!final) {
      chartHandle.show({ 'image/svg+xml': trainingSvg(history), 'text/plain': text });
      return;
    }
    const fig = trainingHistoryFigure(history);
    fig.layout.height = 560;
    chartHandle.show(figureBundle(fig, { elementId: chartElementId, text }));
  }

  const trainingDone = () => last !== null && last.iteration >= last.numIterations;

  const view = {
    log(line: string): void {
      if (printLog) console.log(line);
    },
    onIteration(p: IterationProgress): void {
      if (started < 0) started = now();
      last = p;
      losses.push(p.loss);
      if (!Number.isFinite(p.loss) && diverged === 0) {
        diverged = p.iteration;
        drawBar();
      }
      const t = now();
      const final = p.iteration >= p.numIterations;
      if (final || t - lastBar >= barIntervalMs) drawBar();
      if (final || t - lastChart >= chartIntervalMs) drawChart(false);
    },
    onEpoch(p: EpochProgress): void {
      trainAcc.push(p.trainAcc);
      valAcc.push(p.valAcc);
      epochsChecked = p.epoch;
      drawBar();
      // The Solver checks accuracy after the last iteration: that check draws the final frame.
      drawChart(trainingDone());
    },
  };
  // Not enumerable: spreading the view into the Solver's options carries the three callbacks
  // only (the Solver refuses options it does not know).
  return Object.defineProperty(view, 'finish', {
    value(): void {
      drawBar();
      drawChart(true);
    },
    enumerable: false,
  }) as LiveTrainingView;
}
