/**
 * What assignment 2's exercises share: a FullyConnectedNet holding a fixture case's parameters
 * (compute, in the sandbox), the outputs of one training pass and the test-time scores as plain
 * data, and their check against the case's answers (judge, in the grader; numpy,
 * scripts/fixtures/make_assignment2_grading_fixtures.py).
 */
import {
  asList,
  asRecord,
  type ComputeContext,
  expectArray,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  type NdLike,
  type Wire,
  wireArray,
  wireArrayOrNull,
  wireNumber,
  wireParams,
} from '../gradingKit';

export const FC_NET = 'lib/classifiers/fcNet.ts';

/** The part of the graded FullyConnectedNet compute uses. */
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

/** A net of the inputs: its settings and parameters. */
export interface NetInput {
  name: string;
  hiddenDims: number[];
  reg: number;
  normalization: 'batchnorm' | 'layernorm' | null;
  X: FixtureArray;
  y: number[];
  params: Record<string, FixtureArray>;
}

/** What numpy computed with a net of the inputs. */
export interface NetAnswer {
  name: string;
  loss: number;
  grads: Record<string, FixtureArray>;
  /** Test-time scores after the training pass. */
  scores: FixtureArray;
  /** Batch norm's running statistics after the training pass, per hidden layer (batch norm only). */
  runningMeans?: FixtureArray[];
  runningVars?: FixtureArray[];
}

/** The graded project's FullyConnectedNet class. */
export function fcNetClass(ctx: ComputeContext): FcNetClass {
  return ctx.load<{ FullyConnectedNet: FcNetClass }>('lib/classifiers/fcNet').FullyConnectedNet;
}

/**
 * A net with the case's settings and parameters. Made by the student's constructor (its
 * parameters then replaced by the case's); while the constructor is not written, by the given
 * fields alone, so that `loss` is graded on its own.
 */
export function caseNet(
  ctx: ComputeContext,
  c: NetInput,
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
export function caseLabels(c: NetInput): Int32Array {
  return Int32Array.from(c.y);
}

/**
 * One training pass of `net` on the case (loss, gradients, batch norm's running statistics),
 * then the test-time scores, as plain data for {@link expectNetCase}.
 */
export function netCaseResult(ctx: ComputeContext, net: FcNet, c: NetInput): Wire {
  const X = fixtureTensors(ctx)(c.X);
  const [loss, grads] = net.loss(X, caseLabels(c));
  const running =
    c.normalization === 'batchnorm'
      ? c.hiddenDims.map((_, i) => ({
          mean: wireArrayOrNull(net.bnParams?.[i]?.runningMean, `bnParams[${i}].runningMean`),
          var: wireArrayOrNull(net.bnParams?.[i]?.runningVar, `bnParams[${i}].runningVar`),
        }))
      : [];
  return {
    loss: wireNumber(loss),
    grads: wireParams(grads),
    running,
    scores: wireArray(net.loss(X), 'scores (test time, loss(X))'),
  };
}

/**
 * Checks one training pass (loss, gradients with the parameters' names, batch norm's running
 * statistics) and then the test-time scores against the case's answer. A net has batch norm when
 * its answer has running statistics (one per hidden layer).
 */
export function expectNetCase(result: Wire, c: NetAnswer): void {
  const got = asRecord('result', result);
  expectNumber('loss', got.loss, c.loss, 1e-10 * Math.max(1, Math.abs(c.loss)));
  const grads = got.grads === null ? {} : asRecord('grads', got.grads);
  const names = Object.keys(grads).sort();
  const want = Object.keys(c.grads).sort();
  if (names.join(',') !== want.join(',')) {
    throw new Error(`grads has ${names.join(', ') || 'no entries'}, expected ${want.join(', ')}`);
  }
  const hidden = c.runningMeans?.length ?? 0;
  for (const name of want) {
    if (c.runningMeans && /^b\d+$/.test(name) && name !== `b${hidden + 1}`) {
      // A bias before batch norm is subtracted again with the batch mean: its gradient is zero
      // in theory, rounding noise in practice, where a relative error means nothing.
      expectZero(`grads.${name} (zero: batch norm removes the bias)`, grads[name], c.grads[name]);
    } else {
      expectArray(`grads.${name}`, grads[name], c.grads[name], 1e-7);
    }
  }
  if (c.runningMeans) {
    const running = asList('running statistics', got.running, hidden);
    c.runningMeans.forEach((m, i) => {
      const r = asRecord(`bnParams[${i}]`, running[i]);
      expectArray(`bnParams[${i}].runningMean`, r.mean, m, 1e-8);
      expectArray(`bnParams[${i}].runningVar`, r.var, c.runningVars?.[i] as FixtureArray, 1e-8);
    });
  }
  expectArray('scores (test time, loss(X))', got.scores, c.scores, 1e-8);
}

/** Checks a gradient that is zero in theory: the shape of the answer's, every entry below 1e-10. */
function expectZero(what: string, got: Wire | undefined, want: FixtureArray): void {
  expectArray(
    what,
    got,
    { shape: want.shape, data: want.data.map(() => 0) },
    Number.POSITIVE_INFINITY,
  );
  const data = (got as { data: Float64Array }).data;
  let worst = 0;
  for (const v of data) if (!(Math.abs(v) <= worst)) worst = Math.abs(v);
  if (!(worst <= 1e-10))
    throw new Error(`${what}: an entry of ${worst}, expected 0 (within 1e-10)`);
}
