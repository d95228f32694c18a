/**
 * The course's "misclassified examples" figure: for every class c, a column of test images the
 * classifier labelled c although their true label is another class.
 */

import type { RandomState } from '../core/random';
import { random as globalRandom } from '../core/random';
import {
  checkTensor,
  formatShape,
  isNdArray,
  type Labels,
  type Tensor,
  tensor,
} from '../core/tensor';
import { showImageGrid } from '../notebook/imageGrid';
import { toUint8Image } from '../notebook/png';

/** What {@link misclassifiedGrid} returns. */
export interface MisclassifiedGrid {
  /** the image: examplesPerClass rows x numClasses columns of images, `padding` apart, (H', W', 3) */
  grid: Tensor;
  /** `picked[c]`: indices of the images in column c (fewer than examplesPerClass if too few) */
  picked: number[][];
}

/**
 * Picks up to `examplesPerClass` images per predicted class among those whose true label differs
 * (at random, without replacement, like `np.random.choice(idxs, k, replace=False)`) and tiles them:
 * column c holds images predicted as class c, row i the i-th pick. Empty cells stay black.
 *
 * @param images (N, H, W, 3) with values 0..255 (a transposed view of (N, 3, H, W) is fine)
 * @param yTrue true labels (N,)
 * @param yPred predicted labels (N,)
 * @param numClasses number of classes (columns)
 * @param examplesPerClass rows (8)
 * @param rng the generator (the global `random`)
 * @param padding pixels between images (2)
 */
export function misclassifiedGrid(
  images: Tensor,
  yTrueLabels: Labels,
  yPredLabels: Labels,
  numClasses: number,
  examplesPerClass = 8,
  rng: Pick<RandomState, 'permutation'> = globalRandom,
  padding = 2,
): MisclassifiedGrid {
  const fn = 'misclassifiedGrid';
  checkTensor(fn, 'images', images, 4);
  const yTrue = labelArray(yTrueLabels);
  const yPred = labelArray(yPredLabels);
  const [N, H, W, C] = images.shape;
  if (C !== 3) {
    throw new RangeError(
      `${fn}: images must have shape (N, H, W, 3), got ${formatShape(images.shape)}`,
    );
  }
  if (yTrue.length !== N || yPred.length !== N) {
    throw new RangeError(
      `${fn}: ${N} images (shape ${formatShape(images.shape)}) but ${yTrue.length} true and ${yPred.length} predicted labels`,
    );
  }
  if (!Number.isInteger(examplesPerClass) || examplesPerClass < 1) {
    throw new RangeError(
      `${fn}: examplesPerClass must be a positive integer, got ${examplesPerClass}`,
    );
  }
  const picked: number[][] = [];
  for (let c = 0; c < numClasses; c++) {
    const idxs: number[] = [];
    for (let i = 0; i < N; i++) if (yPred[i] === c && yTrue[i] !== c) idxs.push(i);
    const order = rng.permutation(idxs.length);
    picked.push(Array.from(order.slice(0, examplesPerClass), (k) => idxs[k]));
  }
  const rows = examplesPerClass;
  const gh = rows * H + (rows - 1) * padding;
  const gw = numClasses * W + (numClasses - 1) * padding;
  const grid = tensor([gh, gw, 3]);
  picked.forEach((col, c) => {
    col.forEach((n, r) => {
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let k = 0; k < 3; k++)
            grid.data[((r * (H + padding) + i) * gw + c * (W + padding) + j) * 3 + k] = images.get(
              n,
              i,
              j,
              k,
            );
    });
  });
  return { grid, picked };
}

/** Labels (an ndarray or an array-like) as a plain array-like. */
function labelArray(y: Labels): ArrayLike<number> {
  if (!isNdArray(y)) return y;
  return Array.from({ length: y.shape[0] }, (_, i) => y.get(i) as number);
}

/**
 * Shows a {@link misclassifiedGrid} in the notebook with the class names above the columns (a
 * Plotly image figure carrying the PNG, and for static viewers a PNG of it with the names drawn in).
 */
export function showMisclassified(result: MisclassifiedGrid, classNames: readonly string[]): void {
  const image = toUint8Image(result.grid);
  const cols = result.picked.length;
  const counts = result.picked.map((p, c) => `${classNames[c] ?? c}: ${p.length}`).join(', ');
  // The whole grid as one row of columns, the predicted class above each.
  showImageGrid(
    {
      image,
      title: 'Misclassified test images, by predicted class',
      cellWidth: image.width / cols,
      cellHeight: image.height,
      padding: 0,
      cols,
      rows: 1,
      label: (_, c) => classNames[c] ?? '',
    },
    `<Misclassified examples per predicted class (${counts})>`,
  );
}
