/**
 * The tests both linear losses pass (lib/classifiers/linearSvm.ts and softmax.ts): numpy's values
 * on the fixture cases (test/fixtures/linear), naive against vectorized, a numerical gradient
 * check, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { random } from '../../lib/core/random';
import { type Labels, type Tensor, tensor } from '../../lib/core/tensor';
import { evalNumericalGradient } from '../../lib/gradientCheck';
import { fixture, relErr, toLabels, toTensor } from './linearFixture';

/** A linear classifier's loss: `(W, X, y, reg) -> [loss, dW]`. */
type LinearLoss = (W: Tensor, X: Tensor, y: Labels, reg: number) => [number, Tensor];

/**
 * Declares the suite of one loss.
 *
 * @param name the fixture's key for this loss ('svm' or 'softmax')
 */
export function describeLinearLoss(
  name: 'svm' | 'softmax',
  naive: LinearLoss,
  vectorized: LinearLoss,
): void {
  describe(`${name} loss`, () => {
    it.each(fixture.losses.map((c, i) => [i, c] as const))(
      'case %i equals numpy; naive and vectorized agree',
      (_, c) => {
        const W = toTensor(c.W);
        const X = toTensor(c.X);
        const y = toLabels(c.y);
        const want = c[name];
        const [ln, gn] = naive(W, X, y, c.reg);
        const [lv, gv] = vectorized(W, X, y, c.reg);
        expect(relErr([ln], [want.loss_naive])).toBeLessThan(1e-12);
        expect(relErr([lv], [want.loss_vectorized])).toBeLessThan(1e-12);
        expect(relErr(gn.data, want.dW_naive.data)).toBeLessThan(1e-10);
        expect(relErr(gv.data, want.dW_vectorized.data)).toBeLessThan(1e-10);
        // ours against each other
        expect(relErr([ln], [lv])).toBeLessThan(1e-12);
        expect(relErr(gn.data, gv.data)).toBeLessThan(1e-10);
        expect(gv.shape).toEqual(c.W.shape);
      },
    );

    it('the gradient matches a numerical one', () => {
      random.seed(1);
      const W = random.randn(8, 4);
      const X = random.randn(10, 8);
      const y = random.randint(0, 4, 10);
      const [, dW] = vectorized(W, X, y, 0.1);
      const num = evalNumericalGradient((w) => vectorized(w, X, y, 0.1)[0], W, false);
      expect(relErr(num.data, dW.data)).toBeLessThan(1e-7);
    });

    it('names the function and the argument on bad input', () => {
      const fn = naive.name;
      expect(() => naive(tensor([5, 3]), tensor([2, 4]), [0, 1], 0)).toThrow(
        `${fn}: X with 4 features (shape (2, 4)) does not match W with 5 rows (shape (5, 3))`,
      );
      expect(() => vectorized(tensor([4, 3]), tensor([2, 4]), [0, 3], 0)).toThrow(
        /y\[1\] = 3 is not an integer class label in \[0, 3\)/,
      );
      expect(() => vectorized(tensor([4, 3]), tensor([2, 4]), [0], 0)).toThrow(
        /y has shape \(1,\) but there are 2 inputs/,
      );
      expect(() => naive(tensor([4, 3]), tensor([2, 4]), [0, 1], Number.NaN)).toThrow(
        `${fn}: reg must be a finite number, got NaN`,
      );
      const W = tensor([4, 3]);
      W.data[5] = Number.NaN;
      expect(() => vectorized(W, tensor([2, 4]), [0, 1], 0)).toThrow(
        /W with shape \(4, 3\) holds NaN/,
      );
    });
  });
}
