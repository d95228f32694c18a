/**
 * Assignment 2's ConvolutionalNetworks exercise (notebooks/assignment2/ConvolutionalNetworks.ipynb):
 * the naive convolution and max pooling layers the student writes in lib/layers/convolution.ts and
 * lib/layers/pooling.ts, spatial batch and group normalization (lib/layers/spatialNormalization.ts),
 * ThreeLayerConvNet (lib/classifiers/cnn.ts), and the notebook's one-epoch training on the full
 * data. The course's notebook asks no inline question, so none is graded.
 *
 * Library parts are computed on test/fixtures/grading/inputs/convolutional_networks.json and
 * judged against answers/convolutional_networks.json (numpy,
 * scripts/fixtures/make_conv_grading_fixtures.py): the notebook's checks and further cases (odd
 * and non-square sizes, stride 1 to 3, pad 0 to 3, 1x1 filters and filters wider than the input,
 * overlapping and non-square pooling windows, windows whose maximum ties, N * H * W = 2, G = 1
 * and G = C, non-default eps and momentum, test mode, nets with 1x1 and 5x5 filters). Bounds
 * are the notebook's orders: 1e-8 for forward passes and the conv backward pass, 1e-12 for max
 * pooling (which only picks values), 1e-7 for the normalizations' backward passes.
 *
 * A backward pass is graded with the cache of the student's own forward pass (its contents are
 * the student's choice), so it reports the forward pass as missing until that is written. The
 * gradient of a window whose maximum ties goes to the first maximum in row-major order, as the
 * TSDoc of maxPoolBackwardNaive says.
 */
import {
  asRecord,
  type ComputeContext,
  type Exercise,
  expectArray,
  expectInitParam,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  judgeCases,
  LIB_TIMEOUT_MS,
  type LibraryPart,
  mapCases,
  type NdLike,
  type NotebookPart,
  printedNumber,
  type Wire,
  wireArray,
  wireArrayOrNull,
  wireNumber,
  wireParams,
} from '../gradingKit';

const NOTEBOOK = 'notebooks/assignment2/ConvolutionalNetworks.ipynb';
const CONVOLUTION = 'lib/layers/convolution.ts';
const POOLING = 'lib/layers/pooling.ts';
const SPATIAL = 'lib/layers/spatialNormalization.ts';
const CNN = 'lib/classifiers/cnn.ts';
const FIXTURE = 'convolutional_networks';

/** The notebook's bar for one epoch of training (the course: "greater than 40%"). */
export const TRAINING_BAR = 0.4;

interface ConvInput {
  name: string;
  x: FixtureArray;
  w: FixtureArray;
  b: FixtureArray;
  stride: number;
  pad: number;
  dout: FixtureArray;
}
interface ConvAnswer {
  name: string;
  out: FixtureArray;
  dx: FixtureArray;
  dw: FixtureArray;
  db: FixtureArray;
}
interface PoolInput {
  name: string;
  x: FixtureArray;
  poolHeight: number;
  poolWidth: number;
  stride: number;
  dout: FixtureArray;
}
interface PoolAnswer {
  name: string;
  out: FixtureArray;
  dx: FixtureArray;
}
interface NormInput {
  name: string;
  x: FixtureArray;
  gamma: FixtureArray;
  beta: FixtureArray;
}
interface SpatialBatchnormInput extends NormInput {
  bnParam: Record<string, FixtureArray | number | string>;
  dout?: FixtureArray;
}
interface SpatialBatchnormAnswer {
  name: string;
  out: FixtureArray;
  runningMean: FixtureArray;
  runningVar: FixtureArray;
}
interface GroupnormInput extends NormInput {
  G: number;
  gnParam: Record<string, number>;
  dout: FixtureArray;
}
interface GradientsAnswer {
  name: string;
  dx: FixtureArray;
  dgamma: FixtureArray;
  dbeta: FixtureArray;
}
interface GroupnormAnswer extends GradientsAnswer {
  out: FixtureArray;
}
interface InitInput {
  name: string;
  options: Record<string, unknown>;
}
interface InitAnswer {
  name: string;
  shapes: Record<string, number[]>;
  weightScale: number;
}
interface LossInput {
  name: string;
  options: Record<string, unknown> & { reg: number };
  X: FixtureArray;
  y: number[];
  params: Record<string, FixtureArray>;
}
interface LossAnswer {
  name: string;
  scores: FixtureArray;
  loss: number;
  grads: Record<string, FixtureArray>;
}
interface Inputs {
  conv: ConvInput[];
  pool: PoolInput[];
  spatial_batchnorm: SpatialBatchnormInput[];
  spatial_batchnorm_backward: (SpatialBatchnormInput & { dout: FixtureArray })[];
  spatial_groupnorm: GroupnormInput[];
  cnn_init: InitInput[];
  cnn_loss: LossInput[];
}
interface Answers {
  conv: ConvAnswer[];
  pool: PoolAnswer[];
  spatial_batchnorm: SpatialBatchnormAnswer[];
  spatial_batchnorm_backward: GradientsAnswer[];
  spatial_groupnorm: GroupnormAnswer[];
  cnn_init: InitAnswer[];
  cnn_loss: LossAnswer[];
}

type Backward3 = (dout: NdLike, cache: unknown) => [NdLike, NdLike, NdLike];
type Convolution = {
  convForwardNaive(
    x: NdLike,
    w: NdLike,
    b: NdLike,
    convParam: { stride: number; pad: number },
  ): [NdLike, unknown];
  convBackwardNaive: Backward3;
};
type Pooling = {
  maxPoolForwardNaive(
    x: NdLike,
    poolParam: { poolHeight: number; poolWidth: number; stride: number },
  ): [NdLike, unknown];
  maxPoolBackwardNaive(dout: NdLike, cache: unknown): NdLike;
};
type Spatial = {
  spatialBatchnormForward(
    x: NdLike,
    gamma: NdLike,
    beta: NdLike,
    bnParam: Record<string, unknown>,
  ): [NdLike, unknown];
  spatialBatchnormBackward: Backward3;
  spatialGroupnormForward(
    x: NdLike,
    gamma: NdLike,
    beta: NdLike,
    G: number,
    gnParam: Record<string, unknown>,
  ): [NdLike, unknown];
  spatialGroupnormBackward: Backward3;
};
/** The part of the graded ThreeLayerConvNet compute uses. */
interface ConvNet {
  params: Record<string, NdLike>;
  reg: number;
  loss(X: NdLike): NdLike;
  loss(X: NdLike, y: Int32Array): [number, Record<string, NdLike>];
}
type ConvNetClass = { new (options?: Record<string, unknown>): ConvNet; prototype: ConvNet };

const inputs = (ctx: ComputeContext): Inputs => ctx.input<Inputs>(FIXTURE);
const answersOf = (answers: { answer<T>(name: string): T }): Answers =>
  answers.answer<Answers>(FIXTURE);
const convolution = (ctx: ComputeContext) => ctx.load<Convolution>('lib/layers/convolution');
const pooling = (ctx: ComputeContext) => ctx.load<Pooling>('lib/layers/pooling');
const spatial = (ctx: ComputeContext) => ctx.load<Spatial>('lib/layers/spatialNormalization');
const convNetClass = (ctx: ComputeContext): ConvNetClass =>
  ctx.load<{ ThreeLayerConvNet: ConvNetClass }>('lib/classifiers/cnn').ThreeLayerConvNet;

/** dx, dgamma, dbeta of a backward pass as plain data. */
function gradients([dx, dgamma, dbeta]: [NdLike, NdLike, NdLike]): Wire {
  return {
    dx: wireArray(dx, 'dx'),
    dgamma: wireArray(dgamma, 'dgamma'),
    dbeta: wireArray(dbeta, 'dbeta'),
  };
}

/** Checks dx, dgamma, dbeta against the answer. */
function expectGradients(got: Wire, c: GradientsAnswer, tol: number): void {
  const r = asRecord('result', got);
  expectArray('dx', r.dx, c.dx, tol);
  expectArray('dgamma', r.dgamma, c.dgamma, tol);
  expectArray('dbeta', r.dbeta, c.dbeta, tol);
}

/** A case's bnParam as the library takes it (tensors for the running statistics). */
function bnParam(ctx: ComputeContext, c: SpatialBatchnormInput): Record<string, unknown> {
  const t = fixtureTensors(ctx);
  return Object.fromEntries(
    Object.entries(c.bnParam).map(([k, v]) => [k, typeof v === 'object' ? t(v) : v]),
  );
}

/** A library part of this exercise. */
function part(
  id: string,
  title: string,
  points: number,
  file: string,
  compute: (ctx: ComputeContext) => Wire,
  judge: (result: Wire, answers: Answers) => string,
): LibraryPart {
  return {
    kind: 'library',
    id: `${FIXTURE}:${id}`,
    title,
    points,
    file,
    timeoutMs: LIB_TIMEOUT_MS,
    compute,
    judge: (result, answers) => judge(result, answersOf(answers)),
  };
}

/**
 * A net with the case's settings and parameters: made by the student's constructor (its
 * parameters then replaced by the case's), or, while the constructor is not written, with the
 * regularisation strength alone, so that `loss` is graded on its own.
 */
function caseNet(ctx: ComputeContext, c: LossInput): ConvNet {
  const ThreeLayerConvNet = convNetClass(ctx);
  const t = fixtureTensors(ctx);
  let net: ConvNet;
  try {
    net = new ThreeLayerConvNet({ ...c.options });
  } catch (e) {
    if ((e as Error).name !== 'NotImplementedError') throw e;
    net = Object.create(ThreeLayerConvNet.prototype) as ConvNet;
    net.reg = c.options.reg;
  }
  net.params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)]));
  return net;
}

/** The one-epoch training part: the accuracy the notebook printed, above the course's bar. */
const trainingPart: NotebookPart = {
  kind: 'notebook',
  id: `${FIXTURE}:training_accuracy`,
  title: `one epoch on the full data: training accuracy > ${TRAINING_BAR}`,
  points: 10,
  file: NOTEBOOK,
  judge(nb) {
    const label = 'Full data training accuracy:';
    const v = printedNumber(nb, NOTEBOOK, label);
    if (!(v > TRAINING_BAR)) {
      throw new Error(`${label} ${v}, not above the bar of ${TRAINING_BAR}`);
    }
    return `${label} ${v} (bar: above ${TRAINING_BAR})`;
  },
};

export const convolutionalNetworks: Exercise = {
  name: FIXTURE,
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    part(
      'conv_forward_naive',
      'convForwardNaive',
      10,
      CONVOLUTION,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { convForwardNaive } = convolution(ctx);
        return mapCases(inputs(ctx).conv, (c) => {
          const [out] = convForwardNaive(t(c.x), t(c.w), t(c.b), { stride: c.stride, pad: c.pad });
          return wireArray(out, 'out');
        });
      },
      (result, a) => judgeCases(result, a.conv, (got, c) => expectArray('out', got, c.out, 1e-8)),
    ),
    part(
      'conv_backward_naive',
      'convBackwardNaive',
      10,
      CONVOLUTION,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { convForwardNaive, convBackwardNaive } = convolution(ctx);
        return mapCases(inputs(ctx).conv, (c) => {
          const [, cache] = convForwardNaive(t(c.x), t(c.w), t(c.b), {
            stride: c.stride,
            pad: c.pad,
          });
          const [dx, dw, db] = convBackwardNaive(t(c.dout), cache);
          return { dx: wireArray(dx, 'dx'), dw: wireArray(dw, 'dw'), db: wireArray(db, 'db') };
        });
      },
      (result, a) =>
        judgeCases(result, a.conv, (got, c) => {
          const r = asRecord('result', got);
          expectArray('dx', r.dx, c.dx, 1e-8);
          expectArray('dw', r.dw, c.dw, 1e-8);
          expectArray('db', r.db, c.db, 1e-8);
        }),
    ),
    part(
      'max_pool_forward_naive',
      'maxPoolForwardNaive',
      5,
      POOLING,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { maxPoolForwardNaive } = pooling(ctx);
        return mapCases(inputs(ctx).pool, (c) => {
          const { poolHeight, poolWidth, stride } = c;
          const [out] = maxPoolForwardNaive(t(c.x), { poolHeight, poolWidth, stride });
          return wireArray(out, 'out');
        });
      },
      (result, a) => judgeCases(result, a.pool, (got, c) => expectArray('out', got, c.out, 1e-12)),
    ),
    part(
      'max_pool_backward_naive',
      'maxPoolBackwardNaive (ties: the first maximum)',
      5,
      POOLING,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { maxPoolForwardNaive, maxPoolBackwardNaive } = pooling(ctx);
        return mapCases(inputs(ctx).pool, (c) => {
          const { poolHeight, poolWidth, stride } = c;
          const [, cache] = maxPoolForwardNaive(t(c.x), { poolHeight, poolWidth, stride });
          return wireArray(maxPoolBackwardNaive(t(c.dout), cache), 'dx');
        });
      },
      (result, a) =>
        judgeCases(result, a.pool, (got, c) =>
          expectArray(
            c.name.includes('ties') ? 'dx (to the first maximum of each window)' : 'dx',
            got,
            c.dx,
            1e-12,
          ),
        ),
    ),
    part(
      'spatial_batchnorm_forward',
      'spatialBatchnormForward (train and test mode)',
      5,
      SPATIAL,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { spatialBatchnormForward } = spatial(ctx);
        return mapCases(inputs(ctx).spatial_batchnorm, (c) => {
          const param = bnParam(ctx, c);
          const [out] = spatialBatchnormForward(t(c.x), t(c.gamma), t(c.beta), param);
          return {
            out: wireArray(out, 'out'),
            runningMean: wireArrayOrNull(param.runningMean, 'bnParam.runningMean'),
            runningVar: wireArrayOrNull(param.runningVar, 'bnParam.runningVar'),
          };
        });
      },
      (result, a) =>
        judgeCases(result, a.spatial_batchnorm, (got, c) => {
          const r = asRecord('result', got);
          expectArray('out', r.out, c.out, 1e-8);
          // Train mode updates the running statistics in bnParam; test mode leaves them.
          expectArray('bnParam.runningMean', r.runningMean, c.runningMean, 1e-10);
          expectArray('bnParam.runningVar', r.runningVar, c.runningVar, 1e-10);
        }),
    ),
    part(
      'spatial_batchnorm_backward',
      'spatialBatchnormBackward',
      5,
      SPATIAL,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { spatialBatchnormForward, spatialBatchnormBackward } = spatial(ctx);
        return mapCases(inputs(ctx).spatial_batchnorm_backward, (c) => {
          const [, cache] = spatialBatchnormForward(t(c.x), t(c.gamma), t(c.beta), bnParam(ctx, c));
          return gradients(spatialBatchnormBackward(t(c.dout), cache));
        });
      },
      (result, a) =>
        judgeCases(result, a.spatial_batchnorm_backward, (got, c) => expectGradients(got, c, 1e-7)),
    ),
    part(
      'spatial_groupnorm_forward',
      'spatialGroupnormForward',
      5,
      SPATIAL,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { spatialGroupnormForward } = spatial(ctx);
        return mapCases(inputs(ctx).spatial_groupnorm, (c) => {
          const [out] = spatialGroupnormForward(t(c.x), t(c.gamma), t(c.beta), c.G, {
            ...c.gnParam,
          });
          return wireArray(out, 'out');
        });
      },
      (result, a) =>
        judgeCases(result, a.spatial_groupnorm, (got, c) => expectArray('out', got, c.out, 1e-8)),
    ),
    part(
      'spatial_groupnorm_backward',
      'spatialGroupnormBackward',
      5,
      SPATIAL,
      (ctx) => {
        const t = fixtureTensors(ctx);
        const { spatialGroupnormForward, spatialGroupnormBackward } = spatial(ctx);
        return mapCases(inputs(ctx).spatial_groupnorm, (c) => {
          const [, cache] = spatialGroupnormForward(t(c.x), t(c.gamma), t(c.beta), c.G, {
            ...c.gnParam,
          });
          return gradients(spatialGroupnormBackward(t(c.dout), cache));
        });
      },
      (result, a) =>
        judgeCases(result, a.spatial_groupnorm, (got, c) => expectGradients(got, c, 1e-7)),
    ),
    part(
      'cnn_init',
      'ThreeLayerConvNet constructor',
      5,
      CNN,
      (ctx) => {
        const ThreeLayerConvNet = convNetClass(ctx);
        return mapCases(inputs(ctx).cnn_init, (c) =>
          wireParams(new ThreeLayerConvNet({ ...c.options }).params),
        );
      },
      (result, a) =>
        judgeCases(result, a.cnn_init, (got, c) => {
          const params = got === null ? {} : asRecord('params', got);
          for (const [name, shape] of Object.entries(c.shapes)) {
            const scale = name.startsWith('W') ? c.weightScale : null;
            expectInitParam(`params.${name}`, params[name], shape, scale);
          }
          const extra = Object.keys(params).filter((k) => !(k in c.shapes));
          if (extra.length > 0) {
            throw new Error(`params has ${extra.join(', ')} besides W1, b1, W2, b2, W3, b3`);
          }
        }),
    ),
    part(
      'cnn_loss',
      'ThreeLayerConvNet.loss (scores, loss, gradients)',
      15,
      CNN,
      (ctx) => {
        const t = fixtureTensors(ctx);
        return mapCases(inputs(ctx).cnn_loss, (c) => {
          const net = caseNet(ctx, c);
          const X = t(c.X);
          const scores = wireArray(net.loss(X), 'scores (test time, loss(X))');
          const [loss, grads] = net.loss(X, Int32Array.from(c.y));
          return { scores, loss: wireNumber(loss), grads: wireParams(grads) };
        });
      },
      (result, a) =>
        judgeCases(result, a.cnn_loss, (got, c) => {
          const r = asRecord('result', got);
          expectArray('scores (test time, loss(X))', r.scores, c.scores, 1e-8);
          expectNumber('loss', r.loss, c.loss, 1e-10 * Math.max(1, Math.abs(c.loss)));
          const grads = r.grads === null ? {} : asRecord('grads', r.grads);
          const names = Object.keys(grads).sort();
          const want = Object.keys(c.grads).sort();
          if (names.join(',') !== want.join(',')) {
            throw new Error(
              `grads has ${names.join(', ') || 'no entries'}, expected ${want.join(', ')}`,
            );
          }
          for (const name of want) expectArray(`grads.${name}`, grads[name], c.grads[name], 1e-7);
        }),
    ),
    trainingPart,
  ],
};
