import { describe, expect, it } from 'vitest';
import { ConvNetStep } from '../../bench/convNetStep';
import { ThreeLayerConvNet } from '../../lib/classifiers/cnn';
import { RandomState } from '../../lib/core/random';
import { type Labels, type Tensor, tensor } from '../../lib/core/tensor';

// The bench's per-part profile of the training row must be of the computation it reports on:
// bench/convNetStep.ts against lib/classifiers/cnn.ts on the same seeded weights and minibatch.
describe('bench/convNetStep.ts', () => {
  const settings = { numFilters: 4, filterSize: 3, hiddenDim: 7, weightScale: 0.05, reg: 0.01 };
  function pair(reg: number) {
    const net = new ThreeLayerConvNet({
      numFilters: settings.numFilters,
      filterSize: settings.filterSize,
      hiddenDim: settings.hiddenDim,
      weightScale: settings.weightScale,
      reg,
      rng: new RandomState(7),
    });
    const copies: { [name: string]: Tensor } = {};
    for (const [k, v] of Object.entries(net.params))
      copies[k] = tensor(v.shape.slice(), new Float64Array(v.data));
    const step = new ConvNetStep({ ...settings, reg }, copies);
    const rng = new RandomState(3);
    const X = rng.randn(5, 3, 32, 32) as Tensor;
    const y: Labels = Array.from({ length: 5 }, (_, i) => (i * 3) % 10);
    return { net, step, X, y };
  }

  for (const reg of [0, 0.01]) {
    it(`gives ThreeLayerConvNet's loss and gradients bit for bit (reg ${reg})`, () => {
      const { net, step, X, y } = pair(reg);
      const [netLoss, netGrads] = net.loss(X, y);
      const [stepLoss, stepGrads] = step.loss(X, y);
      expect(Number.isFinite(netLoss)).toBe(true);
      expect(stepLoss).toBe(netLoss);
      for (const name of ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']) {
        expect(stepGrads[name].shape).toEqual(netGrads[name].shape);
        expect(Array.from(stepGrads[name].data)).toEqual(Array.from(netGrads[name].data));
      }
      expect(Array.from(step.loss(X).data)).toEqual(Array.from(net.loss(X).data));
      // every part of the step was timed
      for (const part of ['conv', 'relu', 'pool', 'affine', 'loss'] as const)
        expect(step.seconds[part]).toBeGreaterThan(0);
    });
  }

  it('differs from the net once a weight differs (the comparison can fail)', () => {
    const { net, step, X, y } = pair(0.01);
    step.params.W2.data[0] += 1e-3;
    expect(step.loss(X, y)[0]).not.toBe(net.loss(X, y)[0]);
  });
});
