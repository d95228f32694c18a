/**
 * Numerical gradients by centred differences, to check analytic backward passes, as in the
 * assignment's cs231n/gradient_check.py.
 */
import { random } from './core/random';
import {
  checkNoNaN,
  checkSameShape,
  checkTensor,
  contiguousData,
  type Tensor,
  tensor,
} from './core/tensor';

/**
 * Numerical gradient of a scalar function at x: `(f(x + h) - f(x - h)) / 2h` per element.
 * `x` is perturbed in place, one element at a time, and restored; `f` may ignore its argument
 * and read x through a closure (as the assignment's model checks do).
 *
 * @param f function of x returning a number
 * @param x any shape
 * @param verbose print each index and its gradient
 * @param h step
 * @returns gradient, same shape as x
 */
export function evalNumericalGradient(
  f: (x: Tensor) => number,
  x: Tensor,
  verbose = true,
  h = 1e-5,
): Tensor {
  checkInputs('evalNumericalGradient', f, x, h);
  const grad = new Float64Array(x.size);
  forEachIndex(x, (flat, index) => {
    grad[flat] = centredDifference(f, x, index, h);
    if (verbose) console.log(`(${index.join(', ')}) ${grad[flat]}`);
  });
  return tensor(x.shape, grad);
}

/**
 * Numerical gradient of an array-valued function at x, contracted with the upstream derivative
 * `df`: `sum((f(x + h) - f(x - h)) * df) / 2h` per element.
 *
 * @param f function of x returning a tensor shaped like df
 * @param x any shape
 * @param df upstream derivative, shape of f(x)
 * @param h step
 * @returns gradient, same shape as x
 */
export function evalNumericalGradientArray(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  df: Tensor,
  h = 1e-5,
): Tensor {
  checkInputs('evalNumericalGradientArray', f, x, h);
  checkTensor('evalNumericalGradientArray', 'df', df);
  checkNoNaN('evalNumericalGradientArray', 'df', df);
  const dfd = contiguousData(df);
  const grad = new Float64Array(x.size);
  forEachIndex(x, (flat, index) => {
    const old = x.get(...index);
    x.set(...index, old + h);
    const pos = contiguousData(checkOutput(f(x), df));
    x.set(...index, old - h);
    const neg = contiguousData(checkOutput(f(x), df));
    x.set(...index, old);
    let s = 0;
    for (let i = 0; i < dfd.length; i++) s += (pos[i] - neg[i]) * dfd[i];
    grad[flat] = s / (2 * h);
  });
  return tensor(x.shape, grad);
}

/** Source of random indices for {@link gradCheckSparse}: `randint(0, high)`. */
export interface IndexSampler {
  randint(low: number, high: number): number;
}

/**
 * Compares the analytic gradient with the numerical one at `numChecks` random elements of x,
 * printing `numerical: ... analytic: ..., relative error: ...` for each.
 *
 * @param f function of x returning a number
 * @param x any shape
 * @param analyticGrad same shape as x
 * @param numChecks how many random elements to check
 * @param h step
 * @param rng where the random indices come from (default: the library's global `random`)
 * @returns the relative error of each check
 */
export function gradCheckSparse(
  f: (x: Tensor) => number,
  x: Tensor,
  analyticGrad: Tensor,
  numChecks = 10,
  h = 1e-5,
  rng: IndexSampler = random,
): number[] {
  checkInputs('gradCheckSparse', f, x, h);
  checkTensor('gradCheckSparse', 'analyticGrad', analyticGrad);
  checkSameShape('gradCheckSparse', 'analyticGrad', analyticGrad, 'x', x);
  if (!Number.isInteger(numChecks) || numChecks < 1) {
    throw new RangeError(`gradCheckSparse: numChecks must be a positive integer, got ${numChecks}`);
  }
  const errors: number[] = [];
  for (let c = 0; c < numChecks; c++) {
    const index = x.shape.map((d) => rng.randint(0, d));
    const numerical = centredDifference(f, x, index, h);
    const analytic = analyticGrad.get(...index);
    const err = Math.abs(numerical - analytic) / (Math.abs(numerical) + Math.abs(analytic));
    errors.push(err);
    console.log(
      `numerical: ${numerical.toFixed(6)} analytic: ${analytic.toFixed(6)}, relative error: ${err.toExponential(6)}`,
    );
  }
  return errors;
}

/**
 * Relative error, as the assignment defines it: `max(|x - y| / max(1e-8, |x| + |y|))`.
 *
 * @param x any shape
 * @param y same shape as x
 */
export function relError(x: Tensor, y: Tensor): number {
  checkTensor('relError', 'x', x);
  checkTensor('relError', 'y', y);
  checkSameShape('relError', 'x', x, 'y', y);
  checkNoNaN('relError', 'x', x);
  checkNoNaN('relError', 'y', y);
  const a = contiguousData(x);
  const b = contiguousData(y);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i]));
    if (e > worst || Number.isNaN(e)) worst = e;
  }
  return worst;
}

function checkInputs(fn: string, f: unknown, x: Tensor, h: number): void {
  if (typeof f !== 'function') throw new TypeError(`${fn}: f must be a function, got ${typeof f}`);
  checkTensor(fn, 'x', x);
  checkNoNaN(fn, 'x', x);
  if (!(h > 0) || !Number.isFinite(h)) {
    throw new RangeError(`${fn}: h must be a positive finite step, got ${h}`);
  }
}

function checkOutput(out: Tensor, df: Tensor): Tensor {
  checkTensor('evalNumericalGradientArray', 'f(x)', out);
  checkSameShape('evalNumericalGradientArray', 'f(x)', out, 'df', df);
  return out;
}

/** `(f(x + h e_i) - f(x - h e_i)) / 2h` for the element at `index`, restoring it afterwards. */
function centredDifference(
  f: (x: Tensor) => number,
  x: Tensor,
  index: number[],
  h: number,
): number {
  const old = x.get(...index);
  x.set(...index, old + h);
  const fxph = f(x);
  x.set(...index, old - h);
  const fxmh = f(x);
  x.set(...index, old);
  return (fxph - fxmh) / (2 * h);
}

/** Calls `visit(flatIndex, index)` for every element of x in row-major order. */
function forEachIndex(x: Tensor, visit: (flat: number, index: number[]) => void): void {
  const shape = x.shape;
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < x.size; flat++) {
    visit(flat, index.slice());
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}
