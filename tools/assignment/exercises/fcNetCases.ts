/**
 * What assignment 2's exercises share: a FullyConnectedNet holding a fixture case's parameters,
 * and the check of its loss, gradients and test-time scores against the case (numpy,
 * scripts/fixtures/make_assignment2_grading_fixtures.py).
 */
import {
  expectArray,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  flat,
  type GradeContext,
  type NdLike,
} from '../gradingKit';

export const FC_NET = 'lib/classifiers/fcNet.ts';

/** The part of the graded FullyConnectedNet a check uses. */
export interface FcNet {
  params: Record<string, NdLike>;
  reg: number;
  bnParams: { runningMean?: NdLike; runningVar?: NdLike }[];
  loss(X: NdLike): NdLike;
  loss(X: NdLike, y: Int32Array): [number, Record<string, NdLike>];
}

/** The FullyConnectedNet class of the graded project. */
type FcNetClass = {
  new (hiddenDims: number[], options?: Record<string, unknown>): FcNet;
  prototype: FcNet;
};

/** A net of a fixture: its settings, parameters and what numpy computed with them. */
export interface NetCase {
  name: string;
  hiddenDims: number[];
  reg: number;
  normalization: 'batchnorm' | 'layernorm' | null;
  X: FixtureArray;
  y: number[];
  params: Record<string, FixtureArray>;
  loss: number;
  grads: Record<string, FixtureArray>;
  /** Test-time scores after the training pass. */
  scores: FixtureArray;
  /** Batch norm's running statistics after the training pass, per hidden layer. */
  runningMeans?: FixtureArray[];
  runningVars?: FixtureArray[];
}

/** The graded project's FullyConnectedNet class. */
export function fcNetClass(ctx: GradeContext): FcNetClass {
  return ctx.load<{ FullyConnectedNet: FcNetClass }>('lib/classifiers/fcNet').FullyConnectedNet;
}

/**
 * A net with the case's settings and parameters. Made by the student's constructor (its
 * parameters then replaced by the case's); while the constructor is not written, by the given
 * fields alone, so that `loss` is graded on its own.
 */
export function caseNet(
  ctx: GradeContext,
  c: NetCase,
  dropout: { keep: number; seed?: number } = { keep: 1 },
): FcNet {
  const FullyConnectedNet = fcNetClass(ctx);
  const t = fixtureTensors(ctx);
  const inputDim = c.params.W1.shape[0];
  const numClasses = c.params[`W${c.hiddenDims.length + 1}`].shape[1];
  let net: FcNet;
  try {
    net = new FullyConnectedNet(c.hiddenDims, {
      inputDim,
      numClasses,
      reg: c.reg,
      normalization: c.normalization,
      dropoutKeepRatio: dropout.keep,
      ...(dropout.seed === undefined ? {} : { seed: dropout.seed }),
    });
  } catch (e) {
    if ((e as Error).name !== 'NotImplementedError') throw e;
    // What the given part of the constructor sets, before the parameters the student writes.
    net = Object.create(FullyConnectedNet.prototype) as FcNet;
    const useDropout = dropout.keep !== 1;
    Object.assign(net, {
      reg: c.reg,
      numLayers: c.hiddenDims.length + 1,
      normalization: c.normalization,
      useDropout,
      dropoutParam: useDropout
        ? {
            mode: 'train',
            p: dropout.keep,
            ...(dropout.seed === undefined ? {} : { seed: dropout.seed }),
          }
        : null,
      bnParams: c.normalization === 'batchnorm' ? c.hiddenDims.map(() => ({ mode: 'train' })) : [],
    });
  }
  net.params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)]));
  return net;
}

/** The case's labels as the library takes them. */
export function caseLabels(c: NetCase): Int32Array {
  return Int32Array.from(c.y);
}

/**
 * Checks one training pass (loss, gradients with the parameters' names, batch norm's running
 * statistics) and then the test-time scores against the case.
 */
export function expectNetCase(ctx: GradeContext, net: FcNet, c: NetCase): void {
  const t = fixtureTensors(ctx);
  const X = t(c.X);
  const [loss, grads] = net.loss(X, caseLabels(c));
  expectNumber('loss', loss, c.loss, 1e-10 * Math.max(1, Math.abs(c.loss)));
  const names = Object.keys(grads ?? {}).sort();
  const want = Object.keys(c.grads).sort();
  if (names.join(',') !== want.join(',')) {
    throw new Error(`grads has ${names.join(', ') || 'no entries'}, expected ${want.join(', ')}`);
  }
  for (const name of want) {
    if (
      c.normalization === 'batchnorm' &&
      /^b\d+$/.test(name) &&
      name !== `b${c.hiddenDims.length + 1}`
    ) {
      // A bias before batch norm is subtracted again with the batch mean: its gradient is zero
      // in theory, rounding noise in practice, where a relative error means nothing.
      expectZero(`grads.${name} (zero: batch norm removes the bias)`, grads[name], c.grads[name]);
    } else {
      expectArray(`grads.${name}`, grads[name], c.grads[name], 1e-7);
    }
  }
  c.runningMeans?.forEach((m, i) => {
    expectArray(`bnParams[${i}].runningMean`, net.bnParams?.[i]?.runningMean as NdLike, m, 1e-8);
    expectArray(
      `bnParams[${i}].runningVar`,
      net.bnParams?.[i]?.runningVar as NdLike,
      c.runningVars?.[i] as FixtureArray,
      1e-8,
    );
  });
  expectArray('scores (test time, loss(X))', net.loss(X), c.scores, 1e-8);
}

/** Checks a gradient that is zero in theory: the shape of the fixture's, every entry below 1e-10. */
function expectZero(what: string, got: NdLike, want: FixtureArray): void {
  expectArray(
    what,
    got,
    { shape: want.shape, data: want.data.map(() => 0) },
    Number.POSITIVE_INFINITY,
  );
  const worst = Math.max(0, ...flat(got).map(Math.abs));
  if (!(worst <= 1e-10))
    throw new Error(`${what}: an entry of ${worst}, expected 0 (within 1e-10)`);
}
