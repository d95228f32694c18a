/**
 * The live training view: a progress bar and a loss / accuracy chart that update in place while a
 * Solver trains, and that say where a run ended (done, diverged, stopped by an error, or
 * interrupted from the kernel).
 */
import { formatDuration } from '../io/progress';
import { type EpochProgress, formatFloat, type IterationProgress, type TrainEnd } from '../solver';
import { toPlotly, toSvg } from './chartSpec';
import { DisplayHandle, figureBundle, type MimeBundle, newDisplayId } from './display';
import { trainingHistoryChart } from './figures';
import { svgToPng } from './raster';
import { TrainingClock } from './trainingClock';

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
  onEnd: (p: TrainEnd) => void;
  /** draws the bar and the final (Plotly) chart with everything received so far; the Solver's
   * end of training does this by itself */
  finish: () => void;
}

/** A duration for the bar (the terminal bars' format); '?' when not known. */
function formatSeconds(s: number): string {
  return Number.isFinite(s) && s >= 0 ? formatDuration(s) : '?';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A progress bar and a loss / accuracy chart that update in place (display updates with a
 * display id) while a Solver trains, while the Solver's log lines still print below them. Spread
 * the result into the Solver's options: `new Solver(model, data, { ...options,
 * ...liveTrainingView() })`. Updates are throttled (`barIntervalMs`, `chartIntervalMs`). While
 * training the chart is an SVG; when training ends it becomes the interactive Plotly figure (with
 * its PNG for viewers without scripts).
 *
 * Interrupts. Kernel > Interrupt stops a synchronous cell where it is (tslab runs cells with
 * `breakOnSigint`: V8 terminates the script, and no catch or finally inside it runs). The view
 * therefore checks once the event loop turns again, which happens only after the cell has ended:
 * a run that neither finished nor reported an end was interrupted, and the bar says "interrupted
 * at iteration N" (and the chart shows the run so far). A later `solver.train()` resumes the run
 * and the same view.
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
  const clock = new TrainingClock();
  let last: IterationProgress | null = null;
  /** training time before the current stretch (a resumed run), ms */
  let activeMs = 0;
  let started = -1;
  let lastIterationAt = -1;
  let lastBar = Number.NEGATIVE_INFINITY;
  let lastChart = Number.NEGATIVE_INFINITY;
  let epochsChecked = 0;
  /** iteration of the first non-finite loss, 0 while the loss is finite */
  let diverged = 0;
  /** how the run ended; null while it runs */
  let ended: TrainEnd['reason'] | 'interrupted' | null = null;
  let watching = false;

  function barBundle(): MimeBundle {
    const p = last;
    const done = p ? p.iteration : 0;
    const total = p ? p.numIterations : 1;
    const frac = Math.min(1, done / Math.max(1, total));
    const t = ended === null ? now() : lastIterationAt;
    const elapsed = (activeMs + (started < 0 ? 0 : t - started)) / 1000;
    const epoch = p ? Math.max(p.epoch, epochsChecked) : 0;
    const acc =
      valAcc.length > 0
        ? ` · val acc ${valAcc[valAcc.length - 1].toFixed(3)} (best ${Math.max(...valAcc).toFixed(3)})`
        : '';
    let tail = '';
    if (ended === 'interrupted') tail = ` · interrupted at iteration ${done}`;
    else if (ended === 'error') tail = ` · stopped by an error at iteration ${done}`;
    // A non-finite loss: the Solver stops such a run (stopOnDivergence) or it goes on to no avail.
    else if (diverged) tail = ` · diverged at iteration ${diverged}`;
    else if (p && done < total) {
      const left = clock.msLeft(done, total, p.numEpochs - epoch, now()) / 1000;
      tail = Number.isFinite(left) ? `, ~${formatSeconds(left)} left` : ', estimating time left';
    }
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
   * drawn chart, see ./svgChart), the interactive Plotly figure with its PNG for the final frame
   * (a new mimetype, so JupyterLab draws it afresh).
   */
  function drawChart(final: boolean): void {
    if (chartHandle === null) return;
    lastChart = now();
    const history = { lossHistory: losses, trainAccHistory: trainAcc, valAccHistory: valAcc };
    const text = `<Training chart: ${losses.length} iterations, ${valAcc.length} accuracy checks>`;
    const chart = trainingHistoryChart(history, 'liveTrainingView');
    const svg = toSvg(chart);
    if (!final) {
      chartHandle.show({ 'image/svg+xml': svg, 'text/plain': text });
      return;
    }
    const fig = toPlotly({ ...chart, height: 560 });
    chartHandle.show(figureBundle(fig, { elementId: chartElementId, text, png: svgToPng(svg) }));
  }

  function end(reason: NonNullable<typeof ended>): void {
    if (ended !== null) return;
    ended = reason;
    drawBar();
    drawChart(true);
  }

  /** Once the event loop turns (the cell has ended): a run that did not end was interrupted. */
  function watchForInterrupt(): void {
    if (watching) return;
    watching = true;
    setImmediate(() => {
      watching = false;
      if (last === null || ended !== null) return;
      end(last.iteration < last.numIterations ? 'interrupted' : 'done');
    });
  }

  const view = {
    log(line: string): void {
      if (printLog) console.log(line);
    },
    onIteration(p: IterationProgress): void {
      const t = now();
      if (ended !== null) {
        // A resumed run (solver.train() again after an interrupt): same view, fresh estimate.
        ended = null;
        if (started >= 0) activeMs += lastIterationAt - started;
        started = -1;
        clock.restart();
      }
      if (started < 0) started = t;
      last = p;
      lastIterationAt = t;
      clock.iteration(p.iteration, t);
      losses.push(p.loss);
      watchForInterrupt();
      if (!Number.isFinite(p.loss) && diverged === 0) {
        diverged = p.iteration;
        drawBar();
      }
      if (t - lastBar >= barIntervalMs) drawBar();
      if (t - lastChart >= chartIntervalMs) drawChart(false);
    },
    onEpoch(p: EpochProgress): void {
      clock.check(now());
      trainAcc.push(p.trainAcc);
      valAcc.push(p.valAcc);
      epochsChecked = p.epoch;
      drawBar();
      if (last === null || last.iteration < last.numIterations) drawChart(false);
    },
    onEnd(p: TrainEnd): void {
      end(p.reason);
    },
  };
  // Not enumerable: spreading the view into the Solver's options carries its callbacks only (the
  // Solver refuses options it does not know).
  return Object.defineProperty(view, 'finish', {
    value(): void {
      if (ended === null) end('done');
      else {
        drawBar();
        drawChart(true);
      }
    },
    enumerable: false,
  }) as LiveTrainingView;
}
