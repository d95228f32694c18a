/**
 * lib/core/pca.ts against numpy's eigh of the covariance (test/fixtures/pca/pca.json, made by
 * scripts/fixtures/make_pca_fixture.py).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pca, pcaProject } from '../../lib/core/pca';
import { tensor } from '../../lib/core/tensor';

const fx = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'pca', 'pca.json'), 'utf8'),
) as {
  X: { shape: number[]; data: number[] };
  mean: number[];
  variances: number[];
  components: number[];
};
const X = tensor(fx.X.shape, Float64Array.from(fx.X.data));
const D = fx.X.shape[1];

describe('pca', () => {
  it('finds numpy eigh top components (up to sign) and variances', () => {
    const k = 8;
    const p = pca(X, k, { iterations: 30, seed: 1 });
    expect(p.components.shape).toEqual([k, D]);
    for (let j = 0; j < D; j++) expect(p.mean.get(j)).toBeCloseTo(fx.mean[j], 10);
    for (let r = 0; r < k; r++) {
      expect(Math.abs(p.variances.get(r) - fx.variances[r]) / fx.variances[r]).toBeLessThan(1e-9);
      let dot = 0;
      for (let j = 0; j < D; j++) dot += p.components.get(r, j) * fx.components[r * D + j];
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-7);
    }
  });

  it('whitened projections have unit variance along each component', () => {
    const p = pca(X, 5, { iterations: 30 });
    const Z = pcaProject(X, p, true);
    const [N, k] = Z.shape;
    for (let c = 0; c < k; c++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < N; i++) {
        s += Z.get(i, c);
        ss += Z.get(i, c) ** 2;
      }
      expect(Math.abs(s / N)).toBeLessThan(1e-9);
      expect(ss / N).toBeCloseTo(1, 8);
    }
  });

  it('refuses bad arguments with the function, argument and shape', () => {
    expect(() => pca(X, 0)).toThrow(
      /pca: k must be an integer in \[1, 40\] for X of shape \(300, 40\), got 0/,
    );
    const bad = tensor([3, 2], Float64Array.from([1, 2, 3, Number.NaN, 5, 6]));
    expect(() => pca(bad, 1)).toThrow(/pca: X\[1, 1\] = NaN \(shape \(3, 2\)\) is not finite/);
    const p = pca(X, 2);
    expect(() => pcaProject(tensor([2, 3]), p)).toThrow(/pcaProject: X has 3 columns/);
  });
});
