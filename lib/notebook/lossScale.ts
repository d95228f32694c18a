/**
 * The y range of a loss chart, chosen so that a diverging run keeps its finite part readable.
 *
 * A run with too large a learning rate reaches losses like 1e303 and then Infinity or NaN; an
 * axis stretched to 1e303 squashes every sensible loss into a flat line at the bottom. The range
 * here covers the losses up to CLIP_FACTOR times the typical early loss; larger finite losses are
 * drawn at the top edge (marked as off the chart) and non-finite ones are left out, with a marker at
 * the iteration where the run diverged. Used by the Plotly figures and the SVG charts alike.
 */

/** How to draw a loss curve. */
export interface LossScale {
  /** y-axis range [lo, hi] (lo < hi) */
  range: [number, number];
  /** 1-based iteration of the first non-finite loss, 0 if every loss is finite */
  divergedAt: number;
  /** 1-based iteration of the first finite loss above the range, 0 if none */
  clippedFrom: number;
  /** 0-based indices of the finite losses above the range (drawn at the top edge) */
  clipped: number[];
  /** one-line note for the chart ('' for a run that stayed in range) */
  note: string;
}

/** Losses larger than this many times the typical early loss are clipped. */
export const CLIP_FACTOR = 10;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The range and divergence marks of a loss curve.
 *
 * @param lossHistory (T,) loss of every iteration (non-finite values allowed)
 */
export function lossScale(lossHistory: readonly number[]): LossScale {
  const divergedIndex = lossHistory.findIndex((v) => !Number.isFinite(v));
  const finite = lossHistory.filter((v) => Number.isFinite(v));
  if (finite.length === 0) {
    return {
      range: [0, 1],
      divergedAt: divergedIndex + 1,
      clippedFrom: 0,
      clipped: [],
      note: divergedIndex >= 0 ? `diverged at iteration ${divergedIndex + 1}` : '',
    };
  }
  // The typical early loss: the median of the first finite losses (robust to one spike).
  const early = median(finite.slice(0, 20));
  const cap = Math.abs(early) * CLIP_FACTOR + 1e-12;
  const clipped: number[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  lossHistory.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (v > cap) {
      clipped.push(i);
      return;
    }
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  });
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const divergedAt = divergedIndex + 1;
  const clippedFrom = clipped.length > 0 ? clipped[0] + 1 : 0;
  const notes: string[] = [];
  if (clippedFrom > 0 && (divergedAt === 0 || clippedFrom < divergedAt)) {
    const top = Math.max(...clipped.map((i) => lossHistory[i]));
    notes.push(`loss off the chart from iteration ${clippedFrom} (up to ${formatCap(top)})`);
  }
  if (divergedAt > 0) {
    notes.push(`diverged at iteration ${divergedAt} (loss ${String(lossHistory[divergedIndex])})`);
  }
  return { range: [lo, hi], divergedAt, clippedFrom, clipped, note: notes.join('; ') };
}

function formatCap(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** The 0-based x position of the divergence mark: the first non-finite loss, else the first clipped one. */
export function divergenceMarkIndex(scale: LossScale): number {
  if (scale.clippedFrom > 0 && (scale.divergedAt === 0 || scale.clippedFrom < scale.divergedAt)) {
    return scale.clippedFrom - 1;
  }
  return scale.divergedAt - 1;
}
