/**
 * The argument checks shared by the linear classifiers' loss functions (`linearSvm.ts`,
 * `softmax.ts`): W (D, C), X (N, D), y (N,) in [0, C), reg a finite number.
 */
import {
  checkLabels,
  checkNoNaN,
  checkTensor,
  contiguousData,
  formatShape,
  type Labels,
  type Tensor,
} from '../core/tensor';

/** The checked operands of a linear loss, packed row-major. */
export interface LinearLossOperands {
  w: Float64Array;
  x: Float64Array;
  y: Int32Array;
  N: number;
  D: number;
  C: number;
}

/**
 * Checks `(W, X, y, reg)` for the loss function `fn` and returns them packed.
 * @throws TypeError / RangeError naming `fn`, the argument and the shapes
 */
export function checkLinearLossArgs(
  fn: string,
  W: Tensor,
  X: Tensor,
  y: Labels,
  reg: number,
): LinearLossOperands {
  checkTensor(fn, 'W', W, 2);
  checkTensor(fn, 'X', X, 2);
  const [D, C] = W.shape;
  const [N, DX] = X.shape;
  if (DX !== D) {
    throw new RangeError(
      `${fn}: X with ${DX} features (shape ${formatShape(X.shape)}) does not match W with ${D} rows (shape ${formatShape(W.shape)})`,
    );
  }
  if (C < 1)
    throw new RangeError(
      `${fn}: W must have at least one class column, got shape ${formatShape(W.shape)}`,
    );
  if (N < 1)
    throw new RangeError(
      `${fn}: X must hold at least one example, got shape ${formatShape(X.shape)}`,
    );
  if (typeof reg !== 'number' || !Number.isFinite(reg)) {
    throw new RangeError(`${fn}: reg must be a finite number, got ${String(reg)}`);
  }
  checkNoNaN(fn, 'W', W);
  checkNoNaN(fn, 'X', X);
  const labels = checkLabels(fn, 'y', y, N, C);
  return { w: contiguousData(W), x: contiguousData(X), y: labels, N, D, C };
}

/** `sum(W * W)` of a packed weight buffer. */
export function sumOfSquares(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * w[i];
  return s;
}
