/**
 * Every seeded check of the assignment notebook, with the notebook's inputs and seeds, asserting
 * the values the notebook printed (its acceptance values).
 */
import { describe, expect, it } from 'vitest';
import {
  affineBackward,
  affineForward,
  affineReluBackward,
  affineReluForward,
  array,
  evalNumericalGradient,
  evalNumericalGradientArray,
  linspace,
  mul,
  prod,
  random,
  relError,
  reluBackward,
  reluForward,
  reshape,
  softmaxLoss,
  std,
  svmLoss,
  type Tensor,
  TwoLayerNet,
} from '../../lib';

/** Printed by the notebook; our relative errors must be no worse than 10x these. */
const seedErrors = {
  affineBackward: {
    dx: 5.399100368651805e-11,
    dw: 9.904211865398145e-11,
    db: 2.4122867568119087e-11,
  },
  reluBackward: { dx: 3.2756349136310288e-12 },
  affineReluBackward: {
    dx: 2.299579177309368e-11,
    dw: 8.162011105764925e-11,
    db: 7.826724021458994e-12,
  },
  svmLoss: { dx: 1.4021566006651672e-9 },
  softmaxLoss: { dx: 9.384673161989355e-9 },
  twoLayerNet: {
    0: { W1: 1.83e-8, W2: 3.12e-10, b1: 9.83e-9, b2: 4.33e-10 },
    0.7: { W1: 2.53e-7, W2: 2.85e-8, b1: 1.56e-8, b2: 7.76e-10 },
  },
} as const;

/** What our code printed for each check, reported at the end of the run. */
const report: string[] = [];
function record(check: string, ours: number, seed: number | string): void {
  report.push(`${check.padEnd(36)} ours ${String(ours).padEnd(24)} seed ${seed}`);
}

describe('the assignment notebook checks', () => {
  it('affine_forward: difference <= 1e-9', () => {
    const numInputs = 2;
    const inputShape = [4, 5, 6];
    const outputDim = 3;
    const inputSize = numInputs * prod(inputShape);
    const weightSize = outputDim * prod(inputShape);
    const x = reshape(linspace(-0.1, 0.5, inputSize), [numInputs, ...inputShape]);
    const w = reshape(linspace(-0.2, 0.3, weightSize), [prod(inputShape), outputDim]);
    const b = linspace(-0.3, 0.1, outputDim);
    const [out] = affineForward(x, w, b);
    const correctOut = array([
      [1.49834967, 1.70660132, 1.91485297],
      [3.25553199, 3.5141327, 3.77273342],
    ]);
    const diff = relError(out, correctOut);
    record('affine_forward difference', diff, '9.769849468192957e-10');
    expect(diff).toBeLessThanOrEqual(1e-9);
  });

  it('affine_backward: errors no worse than 10x the seed', () => {
    random.seed(231);
    const x = random.randn(10, 2, 3);
    const w = random.randn(6, 5);
    const b = random.randn(5);
    const dout = random.randn(10, 5);
    const dxNum = evalNumericalGradientArray((v) => affineForward(v, w, b)[0], x, dout);
    const dwNum = evalNumericalGradientArray((v) => affineForward(x, v, b)[0], w, dout);
    const dbNum = evalNumericalGradientArray((v) => affineForward(x, w, v)[0], b, dout);
    const [, cache] = affineForward(x, w, b);
    const [dx, dw, db] = affineBackward(dout, cache);
    const errors = { dx: relError(dxNum, dx), dw: relError(dwNum, dw), db: relError(dbNum, db) };
    for (const k of ['dx', 'dw', 'db'] as const) {
      record(`affine_backward ${k} error`, errors[k], seedErrors.affineBackward[k]);
      expect(errors[k]).toBeLessThanOrEqual(10 * seedErrors.affineBackward[k]);
    }
  });

  it('relu_forward: difference <= 5e-8', () => {
    const x = reshape(linspace(-0.5, 0.5, 12), [3, 4]);
    const [out] = reluForward(x);
    const correctOut = array([
      [0, 0, 0, 0],
      [0, 0, 0.04545455, 0.13636364],
      [0.22727273, 0.31818182, 0.40909091, 0.5],
    ]);
    const diff = relError(out, correctOut);
    record('relu_forward difference', diff, '4.999999798022158e-08');
    expect(diff).toBeLessThanOrEqual(5e-8);
  });

  it('relu_backward: error no worse than 10x the seed', () => {
    random.seed(231);
    const x = random.randn(10, 10);
    const dout = random.randn(10, 10);
    const dxNum = evalNumericalGradientArray((v) => reluForward(v)[0], x, dout);
    const [, cache] = reluForward(x);
    const dx = reluBackward(dout, cache);
    const err = relError(dxNum, dx);
    record('relu_backward dx error', err, seedErrors.reluBackward.dx);
    expect(err).toBeLessThanOrEqual(10 * seedErrors.reluBackward.dx);
  });

  it('affine_relu_forward / affine_relu_backward: errors no worse than 10x the seed', () => {
    random.seed(231);
    const x = random.randn(2, 3, 4);
    const w = random.randn(12, 10);
    const b = random.randn(10);
    const dout = random.randn(2, 10);
    const [, cache] = affineReluForward(x, w, b);
    const [dx, dw, db] = affineReluBackward(dout, cache);
    const dxNum = evalNumericalGradientArray((v) => affineReluForward(v, w, b)[0], x, dout);
    const dwNum = evalNumericalGradientArray((v) => affineReluForward(x, v, b)[0], w, dout);
    const dbNum = evalNumericalGradientArray((v) => affineReluForward(x, w, v)[0], b, dout);
    const errors = { dx: relError(dxNum, dx), dw: relError(dwNum, dw), db: relError(dbNum, db) };
    for (const k of ['dx', 'dw', 'db'] as const) {
      record(`affine_relu_backward ${k} error`, errors[k], seedErrors.affineReluBackward[k]);
      expect(errors[k]).toBeLessThanOrEqual(10 * seedErrors.affineReluBackward[k]);
    }
  });

  it('svm_loss and softmax_loss: the seed losses to 1e-12 relative, dx errors within 10x', () => {
    random.seed(231);
    const numClasses = 10;
    const numInputs = 50;
    const x = mul(random.randn(numInputs, numClasses), 0.001);
    const y = random.randint(numClasses, undefined, numInputs);

    let dxNum = evalNumericalGradient((v) => svmLoss(v, y)[0], x, false);
    let [loss, dx] = svmLoss(x, y);
    let err = relError(dxNum, dx);
    record('svm_loss loss', loss, '8.999602749096233');
    record('svm_loss dx error', err, seedErrors.svmLoss.dx);
    expect(Math.abs(loss - 8.999602749096233) / 8.999602749096233).toBeLessThanOrEqual(1e-12);
    expect(err).toBeLessThanOrEqual(10 * seedErrors.svmLoss.dx);

    dxNum = evalNumericalGradient((v) => softmaxLoss(v, y)[0], x, false);
    [loss, dx] = softmaxLoss(x, y);
    err = relError(dxNum, dx);
    record('softmax_loss loss', loss, '2.302545844500738');
    record('softmax_loss dx error', err, seedErrors.softmaxLoss.dx);
    expect(Math.abs(loss - 2.302545844500738) / 2.302545844500738).toBeLessThanOrEqual(1e-12);
    expect(err).toBeLessThanOrEqual(10 * seedErrors.softmaxLoss.dx);
  });

  it('TwoLayerNet: initialisation, scores, losses and gradient checks', () => {
    random.seed(231);
    const [N, D, H, C] = [3, 5, 50, 7];
    random.randn(N, D);
    random.randint(C, undefined, N);
    const weightStd = 1e-3;
    const model = new TwoLayerNet({
      inputDim: D,
      hiddenDim: H,
      numClasses: C,
      weightScale: weightStd,
    });

    // Testing initialization
    expect(Math.abs(std(model.params.W1) - weightStd)).toBeLessThan(weightStd / 10);
    expect(Math.abs(std(model.params.W2) - weightStd)).toBeLessThan(weightStd / 10);
    expect(Array.from(model.params.b1.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(model.params.b2.data).every((v) => v === 0)).toBe(true);

    // Testing test-time forward pass
    model.params.W1 = reshape(linspace(-0.7, 0.3, D * H), [D, H]);
    model.params.b1 = linspace(-0.1, 0.9, H);
    model.params.W2 = reshape(linspace(-0.3, 0.4, H * C), [H, C]);
    model.params.b2 = linspace(-0.9, 0.1, C);
    const X = reshape(reshape(linspace(-5.5, 4.5, N * D), [D, N]).transpose(1, 0) as Tensor, [
      N,
      D,
    ]);
    const scores = model.loss(X);
    const correctScores = array([
      [11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
      [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
      [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319],
    ]);
    let scoresDiff = 0;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < C; j++)
        scoresDiff += Math.abs(scores.get(i, j) - correctScores.get(i, j));
    record('TwoLayerNet scores difference', scoresDiff, '< 1e-6');
    expect(scoresDiff).toBeLessThan(1e-6);

    // Testing training loss (no regularization)
    const y = [0, 5, 1];
    let [loss] = model.loss(X, y);
    record('TwoLayerNet loss (reg = 0)', loss, '3.4702243556');
    expect(Math.abs(loss - 3.4702243556)).toBeLessThan(1e-10);

    model.reg = 1.0;
    [loss] = model.loss(X, y);
    record('TwoLayerNet loss (reg = 1)', loss, '26.5948426952');
    expect(Math.abs(loss - 26.5948426952)).toBeLessThan(1e-10);

    for (const reg of [0.0, 0.7] as const) {
      model.reg = reg;
      const [, grads] = model.loss(X, y);
      for (const name of ['W1', 'W2', 'b1', 'b2'] as const) {
        const f = () => model.loss(X, y)[0];
        const gradNum = evalNumericalGradient(f, model.params[name], false);
        const err = relError(gradNum, grads[name]);
        const seed = seedErrors.twoLayerNet[reg][name];
        record(`TwoLayerNet ${name} error (reg = ${reg})`, err, seed);
        expect(err).toBeLessThanOrEqual(10 * seed);
      }
    }
  });

  it('prints every check beside the seed value', () => {
    expect(report.length).toBeGreaterThanOrEqual(20);
    console.log(`\nSeed checks (ours vs the assignment notebook):\n${report.join('\n')}`);
  });
});
