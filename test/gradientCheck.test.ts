/** The gradient checks (lib/gradientCheck.ts) on functions whose gradients are known in closed form. */
import { describe, expect, it } from 'vitest';
import {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  mul,
  random,
  relError,
  sum,
  type Tensor,
  tensor,
} from '../lib';
import { expectAllClose } from './helpers/arbitraries';

const vec = (xs: number[]): Tensor => tensor([xs.length], Float64Array.from(xs));

describe('evalNumericalGradient', () => {
  it('approximates the gradient of sum(x^3), 3x^2, to the centred difference error h^2', () => {
    const x = tensor([2, 2], new Float64Array([1, -2, 0.5, 3]));
    const f = (v: Tensor) => v.data.reduce((s, a) => s + a ** 3, 0);
    const grad = evalNumericalGradient(f, x, false);
    expect(grad.shape).toEqual([2, 2]);
    // The error of (f(x + h) - f(x - h)) / 2h for a cubic is exactly h^2 = 1e-10, plus rounding.
    expectAllClose(grad, tensor([2, 2], new Float64Array([3, 12, 0.75, 27])), 0, 1e-8);
    expect(Array.from(x.data)).toEqual([1, -2, 0.5, 3]);
  });

  it('uses the step h it is given', () => {
    const f = (v: Tensor) => v.data[0] ** 3;
    const [g] = evalNumericalGradient(f, vec([1]), false, 0.1).data;
    // ((1.1)^3 - (0.9)^3) / 0.2 = 3 + h^2.
    expect(g).toBeCloseTo(3.01, 12);
  });
});

describe('evalNumericalGradientArray', () => {
  it('contracts the numerical Jacobian with df: for f(x) = x * x it is 2 x df', () => {
    const x = vec([1, -3, 0.25]);
    const df = vec([2, 0.5, -4]);
    const grad = evalNumericalGradientArray((v) => mul(v, v), x, df);
    expectAllClose(grad, vec([4, -3, -2]), 0, 1e-8);
    expect(Array.from(x.data)).toEqual([1, -3, 0.25]);
  });

  it('for a function that mixes elements, sums over every output', () => {
    // f(x) = [x0 + x1, x0 * x1]: df . J = [df0 + df1 * x1, df0 + df1 * x0].
    const x = vec([2, 5]);
    const df = vec([1, 3]);
    const f = (v: Tensor) => vec([v.data[0] + v.data[1], v.data[0] * v.data[1]]);
    expectAllClose(evalNumericalGradientArray(f, x, df), vec([16, 7]), 0, 1e-8);
  });
});

describe('relError', () => {
  it('is the largest |x - y| / max(1e-8, |x| + |y|) over the elements', () => {
    expect(relError(vec([1, 2]), vec([1, 2.2]))).toBeCloseTo(0.2 / 4.2, 15);
    expect(relError(vec([0, 0]), vec([0, 0]))).toBe(0);
    expect(relError(vec([1e-9]), vec([0]))).toBeCloseTo(1e-9 / 1e-8, 15);
    expect(relError(vec([3]), vec([-3]))).toBe(1);
  });
});

describe('gradCheckSparse', () => {
  it('checks random elements with the seeded generator and reports tiny errors for a right gradient', () => {
    random.seed(0);
    const x = random.randn(4, 5);
    const f = (v: Tensor) => sum(mul(v, v));
    const analytic = mul(x, 2);
    const errors = gradCheckSparse(f, x, analytic, 6);
    expect(errors).toHaveLength(6);
    for (const e of errors) expect(e).toBeLessThan(1e-8);
    const wrong = gradCheckSparse(f, x, mul(x, 3), 3);
    for (const e of wrong) expect(e).toBeCloseTo(0.2, 6);
  });
});
