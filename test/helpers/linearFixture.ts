/**
 * Reads test/fixtures/linear/knn_linear.json (written by
 * scripts/fixtures/make_knn_linear_fixtures.py) and the relative error the assignment uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, tensor } from '../../lib/core/tensor';

export interface Arr {
  shape: number[];
  data: number[];
}
export interface LossResult {
  loss_naive: number;
  dW_naive: Arr;
  loss_vectorized: number;
  dW_vectorized: Arr;
}
export interface LinearFixture {
  meta: { numpy: string };
  knn: {
    X_train?: Arr;
    y_train: Arr;
    X_test?: Arr;
    dists: Arr;
    predictions: { k: number; y_pred: Arr }[];
  }[];
  train_data: { X: Arr; y: Arr };
  losses: { W: Arr; X: Arr; y: Arr; reg: number; svm: LossResult; softmax: LossResult }[];
  train: {
    loss: 'svm' | 'softmax';
    seed: number;
    learning_rate: number;
    reg: number;
    num_iters: number;
    batch_size: number;
    loss_history: number[];
    W: Arr;
    y_pred: Arr;
  }[];
  array_split: { n: number; folds: number; sizes: number[] }[];
}

export const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'linear', 'knn_linear.json'), 'utf8'),
) as LinearFixture;

export const toTensor = (a: Arr): Tensor => tensor(a.shape, Float64Array.from(a.data));
export const toLabels = (a: Arr): Int32Array => Int32Array.from(a.data);

/** The assignment's rel_error: max |x - y| / max(1e-8, |x| + |y|). */
export function relErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`relErr: lengths ${x.length} and ${y.length} differ`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]) / Math.max(1e-8, Math.abs(x[i]) + Math.abs(y[i]));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}
