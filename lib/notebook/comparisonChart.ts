/**
 * Several training runs on one chart, one colour per run: the assignment-2 cells that compare
 * update rules, nets with and without batch normalization, or dropout against none. Stacked panels
 * of training loss per iteration, train accuracy per epoch and validation accuracy per epoch (any
 * of them), as a Plotly figure with its static PNG.
 */
import { checkOptions } from '../core/options';
import { showFigure } from './display';
import { checkHistory, type PlotlyFigure, type PlotlyTrace, type TrainingHistory } from './figures';
import { lossScale } from './lossScale';
import { axes, escapeXml, PANEL_HEIGHT, SVG_WIDTH, svgDocument } from './svgChart';

/** One run of a comparison: its legend label and its Solver (or anything with the histories). */
export interface LabelledRun {
  label: string;
  history: TrainingHistory;
}

/** The panels a comparison can show, top to bottom in the order given. */
export type ComparisonPanel = 'loss' | 'trainAcc' | 'valAcc';

/** Options of {@link plotRunComparison}. */
export interface RunComparisonOptions {
  /** which panels, in order (all three by default) */
  panels?: readonly ComparisonPanel[];
  /** words put before each panel's title, e.g. 'Batch normalization:' */
  titlePrefix?: string;
}

/** matplotlib's default colour cycle (tab10). */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const PANELS: Record<ComparisonPanel, { title: string; xLabel: string; yLabel: string }> = {
  loss: { title: 'Training loss', xLabel: 'Iteration', yLabel: 'Loss' },
  trainAcc: { title: 'Training accuracy', xLabel: 'Epoch', yLabel: 'Accuracy' },
  valAcc: { title: 'Validation accuracy', xLabel: 'Epoch', yLabel: 'Accuracy' },
};

function series(h: TrainingHistory, panel: ComparisonPanel): readonly number[] {
  return panel === 'loss'
    ? h.lossHistory
    : panel === 'trainAcc'
      ? h.trainAccHistory
      : h.valAccHistory;
}

function checkRuns(
  fn: string,
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[],
): LabelledRun[] {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new TypeError(`${fn}: runs must be a non-empty array of { label, history }`);
  }
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new TypeError(`${fn}: panels must be a non-empty array of 'loss', 'trainAcc', 'valAcc'`);
  }
  for (const p of panels) {
    if (!(p in PANELS)) {
      throw new RangeError(
        `${fn}: unknown panel '${String(p)}' (known: ${Object.keys(PANELS).join(', ')})`,
      );
    }
  }
  return runs.map((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.label !== 'string') {
      throw new TypeError(`${fn}: runs[${i}] must be { label: string, history: Solver }`);
    }
    return { label: r.label, history: checkHistory(`${fn} (runs[${i}].history)`, r.history) };
  });
}

/** The loss axis range over every run (a diverged run does not flatten the others). */
function lossRange(runs: readonly LabelledRun[]): [number, number] {
  return lossScale(runs.flatMap((r) => r.history.lossHistory)).range;
}

/**
 * The comparison as a Plotly figure: one subplot per panel, one trace per run and panel, the
 * runs' colours and legend shared by the panels (losses as markers, accuracies as lines with
 * markers, as the assignment's matplotlib cells draw them).
 *
 * @param runs the runs, in legend order
 * @param panels which panels, top to bottom
 * @param titlePrefix words before each panel title
 */
export function comparisonFigure(
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[] = ['loss', 'trainAcc', 'valAcc'],
  titlePrefix = '',
): PlotlyFigure {
  const checked = checkRuns('comparisonFigure', runs, panels);
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    grid: { rows: panels.length, columns: 1, pattern: 'independent', roworder: 'top to bottom' },
    height: 300 * panels.length,
    margin: { t: 40, r: 20 },
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
  };
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((panel, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const { title, xLabel, yLabel } = PANELS[panel];
    layout[`xaxis${suffix}`] = { title: { text: xLabel } };
    layout[`yaxis${suffix}`] =
      panel === 'loss'
        ? { title: { text: yLabel }, range: lossRange(checked) }
        : { title: { text: yLabel } };
    annotations.push({
      text: `<b>${escapeXml(`${titlePrefix ? `${titlePrefix} ` : ''}${title}`)}</b>`,
      xref: `x${suffix} domain`,
      yref: `y${suffix} domain`,
      x: 0.5,
      y: 1,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
    checked.forEach((run, i) => {
      const ys = series(run.history, panel);
      data.push({
        type: 'scatter',
        mode: panel === 'loss' ? 'markers' : 'lines+markers',
        name: run.label,
        legendgroup: run.label,
        showlegend: k === 0,
        x: ys.map((_, j) => j),
        y: ys.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null)),
        marker: { color: PALETTE[i % PALETTE.length], size: panel === 'loss' ? 4 : 6 },
        line: { color: PALETTE[i % PALETTE.length] },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
      });
    });
  });
  layout.annotations = annotations;
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

/**
 * The comparison as an SVG document (the figure's static PNG is rasterised from it): the same
 * panels stacked, a legend in the first.
 *
 * @param runs the runs, in legend order
 * @param panels which panels, top to bottom
 * @param titlePrefix words before each panel title
 */
export function comparisonSvg(
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[] = ['loss', 'trainAcc', 'valAcc'],
  titlePrefix = '',
): string {
  const checked = checkRuns('comparisonSvg', runs, panels);
  const parts: string[] = [];
  panels.forEach((panel, k) => {
    const all = checked.map((r) => series(r.history, panel));
    const finite = all.flat().filter((v) => Number.isFinite(v));
    const [yMin, yMax] =
      panel === 'loss'
        ? lossRange(checked)
        : [Math.min(0, ...finite), Math.max(0.1, ...finite) * 1.05];
    const { title, xLabel, yLabel } = PANELS[panel];
    const a = axes({
      y0: k * PANEL_HEIGHT,
      title: `${titlePrefix ? `${titlePrefix} ` : ''}${title}`,
      xLabel,
      yLabel,
      xMax: Math.max(1, ...all.map((s) => s.length - 1)),
      yMin,
      yMax,
    });
    parts.push(a.body);
    all.forEach((ys, i) => {
      const color = PALETTE[i % PALETTE.length];
      const pts: string[] = [];
      let dots = '';
      ys.forEach((v, j) => {
        if (!Number.isFinite(v)) return;
        const y = Math.min(Math.max(v, yMin), yMax);
        pts.push(`${a.x(j).toFixed(1)},${a.y(y).toFixed(1)}`);
        dots += `M${a.x(j).toFixed(1)} ${a.y(y).toFixed(1)}h0`;
      });
      const width = panel === 'loss' ? 3 : 6;
      if (panel !== 'loss') {
        parts.push(
          `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
        );
      }
      parts.push(
        `<path d="${dots}" stroke="${color}" stroke-width="${width}" stroke-linecap="round" fill="none"/>`,
      );
    });
    if (k === 0) {
      const rowH = 16;
      const w = 14 + 8 * Math.max(...checked.map((r) => r.label.length)) + 24;
      const lx = a.right - w - 6;
      const ly = a.top + 6;
      parts.push(
        `<g transform="translate(${lx},${ly})"><rect width="${w}" height="${rowH * checked.length + 6}" fill="white" stroke="#ccc"/>`,
        ...checked.map(
          (r, i) =>
            `<line x1="6" x2="22" y1="${rowH * i + 12}" y2="${rowH * i + 12}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="3"/><text x="28" y="${rowH * i + 16}">${escapeXml(r.label)}</text>`,
        ),
        '</g>',
      );
    }
  });
  return svgDocument(panels.length * PANEL_HEIGHT, parts.join(''), SVG_WIDTH);
}

/**
 * Shows several runs on one chart (the update-rule, batch-norm and dropout comparisons of
 * assignment 2's notebooks).
 *
 * @param runs `{ label, history }` per run, history a Solver after `train()`
 * @param options which panels and a title prefix
 */
export function plotRunComparison(
  runs: readonly LabelledRun[],
  options: RunComparisonOptions = {},
): void {
  checkOptions('plotRunComparison', 'options', options, ['panels', 'titlePrefix']);
  const panels = options.panels ?? ['loss', 'trainAcc', 'valAcc'];
  const prefix = options.titlePrefix ?? '';
  checkRuns('plotRunComparison', runs, panels);
  const figure = comparisonFigure(runs, panels, prefix);
  const svg = comparisonSvg(runs, panels, prefix);
  const summary = runs
    .map((r) => {
      const v = r.history.valAccHistory;
      return `${r.label}: last val acc ${v.length > 0 ? v[v.length - 1] : 'none'}`;
    })
    .join('; ');
  showFigure(figure, `<${runs.length} runs compared (${panels.join(', ')}): ${summary}>`, svg);
}
