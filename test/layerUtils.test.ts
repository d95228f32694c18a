/**
 * The sandwich layers (lib/layerUtils.ts): each is its layers run one after the other, forward and
 * backward, and affineReluBackward matches numerical gradients on random shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affineBackward,
  affineBatchnormReluBackward,
  affineBatchnormReluForward,
  affineForward,
  affineLayernormReluBackward,
  affineLayernormReluForward,
  affineReluBackward,
  affineReluForward,
  batchnormBackward,
  batchnormForward,
  evalNumericalGradientArray,
  layernormBackward,
  layernormForward,
  RandomState,
  reluBackward,
  reluForward,
  type Tensor,
} from '../lib';
import { affineCaseArb, expectAllClose } from './helpers/arbitraries';

const same = (a: Tensor | null, b: Tensor | null): void => {
  expect(a).not.toBeNull();
  expectAllClose(a as Tensor, b as Tensor, 0, 0);
};

describe('the sandwiches are their layers in sequence', () => {
  const rng = new RandomState(5);
  const x = rng.randn(4, 3);
  const w = rng.randn(3, 5);
  const b = rng.randn(5);
  const gamma = rng.randn(5);
  const beta = rng.randn(5);
  const dout = rng.randn(4, 5);

  it('affineReluForward / affineReluBackward', () => {
    const [a, fcCache] = affineForward(x, w, b);
    const [out, reluCache] = reluForward(a);
    const [dx, dw, db] = affineBackward(reluBackward(dout, reluCache), fcCache);
    const [sOut, cache] = affineReluForward(x, w, b);
    same(sOut, out);
    const [sdx, sdw, sdb] = affineReluBackward(dout, cache);
    same(sdx, dx);
    same(sdw, dw);
    same(sdb, db);
    expect(affineReluBackward(dout, cache, { inputGradient: false })[0]).toBeNull();
  });

  it('affineBatchnormReluForward / Backward (train mode)', () => {
    const [a, fcCache] = affineForward(x, w, b);
    const [n, normCache] = batchnormForward(a, gamma, beta, { mode: 'train' });
    const [out, reluCache] = reluForward(n);
    const [dn, dgamma, dbeta] = batchnormBackward(reluBackward(dout, reluCache), normCache);
    const [dx, dw, db] = affineBackward(dn, fcCache);
    const [sOut, cache] = affineBatchnormReluForward(x, w, b, gamma, beta, { mode: 'train' });
    same(sOut, out);
    const [sdx, sdw, sdb, sdgamma, sdbeta] = affineBatchnormReluBackward(dout, cache);
    same(sdx, dx);
    same(sdw, dw);
    same(sdb, db);
    same(sdgamma, dgamma);
    same(sdbeta, dbeta);
  });

  it('affineLayernormReluForward / Backward', () => {
    const [a, fcCache] = affineForward(x, w, b);
    const [n, normCache] = layernormForward(a, gamma, beta);
    const [out, reluCache] = reluForward(n);
    const [dn, dgamma, dbeta] = layernormBackward(reluBackward(dout, reluCache), normCache);
    const [dx, dw, db] = affineBackward(dn, fcCache);
    const [sOut, cache] = affineLayernormReluForward(x, w, b, gamma, beta);
    same(sOut, out);
    const [sdx, sdw, sdb, sdgamma, sdbeta] = affineLayernormReluBackward(dout, cache);
    same(sdx, dx);
    same(sdw, dw);
    same(sdb, db);
    same(sdgamma, dgamma);
    same(sdbeta, dbeta);
  });
});

describe('affineReluBackward matches numerical gradients on random shapes', () => {
  it('affineReluBackward (pre-activations away from the kink)', () => {
    fc.assert(
      fc.property(affineCaseArb, ({ x, w, b, dout }) => {
        const pre = affineForward(x, w, b)[0].data;
        fc.pre(pre.every((v) => Math.abs(v) > 1e-3));
        const [, cache] = affineReluForward(x, w, b);
        const [dx, dw, db] = affineReluBackward(dout, cache);
        const f = () => affineReluForward(x, w, b)[0];
        expectAllClose(dx, evalNumericalGradientArray(f, x, dout), 1e-6, 1e-8);
        expectAllClose(dw, evalNumericalGradientArray(f, w, dout), 1e-6, 1e-8);
        expectAllClose(db, evalNumericalGradientArray(f, b, dout), 1e-6, 1e-8);
      }),
      { numRuns: 60 },
    );
  });
});
