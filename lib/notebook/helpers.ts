/**
 * One-call notebook helpers: each draws one of the assignment's plots in the notebook from its
 * one description (the training chart: ./chartSpec; the sweep table and heatmap: ./tableHeatmap;
 * the weight grid: ./imageGrid), as the interactive Plotly figure shown through ./display and the
 * static PNG that viewers that run no scripts show.
 */
import type { Tensor } from '../core/tensor';
import { showLineChart } from './chartSpec';
import { showFigure } from './display';
import {
  bestResult,
  checkHistory,
  shortNumber,
  type TrainingHistory,
  type TuningResult,
  trainingHistoryChart,
  tuningChart,
} from './figures';
import { showImageGrid, singleImageChart } from './imageGrid';
import { upscaleImage } from './png';
import { tableHeatmapFigure, tableHeatmapSvg } from './tableHeatmap';
import { netWeightsImage } from './weightsFigure';

/** The "Debug the training" cell: loss per iteration and train / val accuracy per epoch. */
export function plotTrainingHistory(solver: TrainingHistory): void {
  const h = checkHistory('plotTrainingHistory', solver);
  const lastVal = h.valAccHistory[h.valAccHistory.length - 1];
  const chart = trainingHistoryChart(h, 'plotTrainingHistory');
  showLineChart(
    chart,
    `<Training loss (${h.lossHistory.length} iterations) and accuracy (${h.valAccHistory.length} checks, last val acc ${lastVal})>`,
  );
}

/**
 * `show_net_weights(net)`: the first-layer weights of a TwoLayerNet as a grid of 32x32 colour
 * images. The bundle is the Plotly figure (an image trace whose source is the PNG) and the
 * image/png itself, with no text/html: the PNG is the large part, so it is carried twice, not
 * three times. JupyterLab's plotly renderer shows the PNG and swaps in the interactive figure on
 * mouse-over; nbconvert's HTML export and viewers that run no scripts show the PNG.
 */
export function showNetWeights(model: { params: { W1: Tensor } }): void {
  // Shown at least ~512 px wide (each weight pixel as a block of pixels), readable everywhere.
  const grid = netWeightsImage(model);
  const image = upscaleImage(grid, Math.max(1, Math.ceil(512 / Math.max(grid.width, grid.height))));
  const H = model.params.W1.shape[1];
  showImageGrid(
    singleImageChart(image, `First-layer weights (${H} hidden units)`),
    `<First-layer weights: ${H} images of 32x32x3 in a ${grid.width}x${grid.height} grid>`,
  );
}

/** The sweep results: table plus heatmap of validation accuracy over learning rate x reg. */
export function showTuningResults(results: readonly TuningResult[]): void {
  const chart = tuningChart(results, 'showTuningResults');
  const best = bestResult(results);
  showFigure(
    tableHeatmapFigure(chart),
    `<Sweep of ${results.length} runs; best val acc ${best.valAcc} at lr ${shortNumber(best.learningRate)}, reg ${shortNumber(best.reg)}>`,
    tableHeatmapSvg(chart),
  );
}
