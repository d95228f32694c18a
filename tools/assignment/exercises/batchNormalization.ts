/**
 * Assignment 2's BatchNormalization exercise (notebooks/assignment2/BatchNormalization.ipynb): the
 * batch and layer normalization layers the student writes in lib/layers/normalization.ts, their use in
 * FullyConnectedNet (lib/classifiers/fcNet.ts), and the notebook's four inline answers (its
 * experiments are given code). Checked against test/fixtures/grading/batch_normalization.json
 * (numpy, scripts/fixtures/make_assignment2_grading_fixtures.py): the notebook's inputs and further
 * cases (N = 1, D = 1, non-default eps and momentum, running statistics given, test mode; nets with
 * random gammas and betas on image-shaped input).
 *
 * A backward pass is graded with the cache of the student's own forward pass (its contents are
 * the student's choice), so it reports the forward pass as missing until that is written.
 */
import {
  answerPart,
  type Exercise,
  eachCase,
  expectArray,
  type FixtureArray,
  fixtureTensors,
  flat,
  type GradeContext,
  LIB_TIMEOUT_MS,
  type NdLike,
  type Part,
} from '../gradingKit';
import { caseNet, expectNetCase, FC_NET, fcNetClass, type NetCase } from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/BatchNormalization.ipynb';
const NORMALIZATION = 'lib/layers/normalization.ts';

interface LayerCase {
  name: string;
  x: FixtureArray;
  gamma: FixtureArray;
  beta: FixtureArray;
  dout: FixtureArray;
  out: FixtureArray;
  dx: FixtureArray;
  dgamma: FixtureArray;
  dbeta: FixtureArray;
}
interface BatchnormCase extends LayerCase {
  bnParam: Record<string, FixtureArray | number | string>;
  runningMean: FixtureArray;
  runningVar: FixtureArray;
}
interface LayernormCase extends LayerCase {
  lnParam: Record<string, number>;
}
interface Fixtures {
  batchnorm: BatchnormCase[];
  layernorm: LayernormCase[];
  bn_net: NetCase[];
  ln_net: NetCase[];
}

type Param = Record<string, unknown>;
type Forward = (x: NdLike, gamma: NdLike, beta: NdLike, param: Param) => [NdLike, unknown];
type Backward = (dout: NdLike, cache: unknown) => [NdLike, NdLike, NdLike];
type Layers = {
  batchnormForward: Forward;
  batchnormBackward: Backward;
  batchnormBackwardAlt: Backward;
  layernormForward: Forward;
  layernormBackward: Backward;
};

const fixtures = (ctx: GradeContext): Fixtures => ctx.fixture<Fixtures>('batch_normalization');
const layers = (ctx: GradeContext): Layers => ctx.load<Layers>('lib/layers/normalization');

/** A case's bnParam as the library takes it (tensors for the running statistics). */
function bnParam(ctx: GradeContext, c: BatchnormCase): Param {
  const t = fixtureTensors(ctx);
  return Object.fromEntries(
    Object.entries(c.bnParam).map(([k, v]) => [k, typeof v === 'object' ? t(v) : v]),
  );
}

/** A backward pass's part: the student's forward pass in train mode, then the backward pass. */
function backwardPart(options: {
  id: string;
  title: string;
  points: number;
  forward: 'batchnormForward' | 'layernormForward';
  backward: 'batchnormBackward' | 'batchnormBackwardAlt' | 'layernormBackward';
}): Part {
  return {
    id: `batch_normalization:${options.id}`,
    title: options.title,
    points: options.points,
    file: NORMALIZATION,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const t = fixtureTensors(ctx);
      const lib = layers(ctx);
      const fx = fixtures(ctx);
      const cases: (BatchnormCase | LayernormCase)[] =
        options.forward === 'batchnormForward'
          ? fx.batchnorm.filter((c) => c.bnParam.mode === 'train')
          : fx.layernorm;
      return eachCase(cases, (c) => {
        const param = 'bnParam' in c ? bnParam(ctx, c) : { ...c.lnParam };
        const [, cache] = lib[options.forward](t(c.x), t(c.gamma), t(c.beta), param);
        const [dx, dgamma, dbeta] = lib[options.backward](t(c.dout), cache);
        expectArray('dx', dx, c.dx, 1e-7);
        expectArray('dgamma', dgamma, c.dgamma, 1e-7);
        expectArray('dbeta', dbeta, c.dbeta, 1e-7);
      });
    },
  };
}

/**
 * A normalized net's part: the constructor's gammas (ones) and betas (zeros) for every hidden
 * layer, then each case's training pass and test-time scores.
 */
function normNetPart(normalization: 'batchnorm' | 'layernorm', points: number): Part {
  const label = normalization === 'batchnorm' ? 'batch' : 'layer';
  return {
    id: `batch_normalization:${normalization === 'batchnorm' ? 'bn_net' : 'ln_net'}`,
    title: `FullyConnectedNet with ${label} normalization`,
    points,
    file: FC_NET,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const FullyConnectedNet = fcNetClass(ctx);
      const net = new FullyConnectedNet([6, 4], { inputDim: 5, numClasses: 3, normalization });
      for (const [l, d] of [
        [1, 6],
        [2, 4],
      ]) {
        const fill = (v: number): FixtureArray => ({ shape: [d], data: new Array(d).fill(v) });
        expectArray(`params.gamma${l} (ones)`, net.params?.[`gamma${l}`], fill(1), 0);
        expectArray(`params.beta${l} (zeros)`, net.params?.[`beta${l}`], fill(0), 0);
      }
      if (net.params.gamma3 !== undefined || net.params.beta3 !== undefined) {
        throw new Error('the output layer has gamma3 / beta3: only hidden layers are normalized');
      }
      const cases = normalization === 'batchnorm' ? fixtures(ctx).bn_net : fixtures(ctx).ln_net;
      return eachCase(cases, (c) => expectNetCase(ctx, caseNet(ctx, c), c));
    },
  };
}

export const batchNormalization: Exercise = {
  name: 'batch_normalization',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      id: 'batch_normalization:batchnorm_forward',
      title: 'batchnormForward (train and test mode)',
      points: 10,
      file: NORMALIZATION,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const t = fixtureTensors(ctx);
        const { batchnormForward } = layers(ctx);
        return eachCase(fixtures(ctx).batchnorm, (c) => {
          const param = bnParam(ctx, c);
          const [out] = batchnormForward(t(c.x), t(c.gamma), t(c.beta), param);
          expectArray('out', out, c.out, 1e-8);
          // Train mode updates the running statistics in bnParam; test mode leaves them.
          expectArray('bnParam.runningMean', param.runningMean as NdLike, c.runningMean, 1e-10);
          expectArray('bnParam.runningVar', param.runningVar as NdLike, c.runningVar, 1e-10);
        });
      },
    },
    backwardPart({
      id: 'batchnorm_backward',
      title: 'batchnormBackward',
      points: 10,
      forward: 'batchnormForward',
      backward: 'batchnormBackward',
    }),
    backwardPart({
      id: 'batchnorm_backward_alt',
      title: 'batchnormBackwardAlt',
      points: 5,
      forward: 'batchnormForward',
      backward: 'batchnormBackwardAlt',
    }),
    normNetPart('batchnorm', 10),
    {
      id: 'batch_normalization:layernorm_forward',
      title: 'layernormForward',
      points: 5,
      file: NORMALIZATION,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const t = fixtureTensors(ctx);
        const { layernormForward } = layers(ctx);
        return eachCase(fixtures(ctx).layernorm, (c) => {
          const [out] = layernormForward(t(c.x), t(c.gamma), t(c.beta), { ...c.lnParam });
          expectArray('out', out, c.out, 1e-8);
          // Layer norm keeps no running statistics: the same input gives the same output again.
          const [again] = layernormForward(t(c.x), t(c.gamma), t(c.beta), { ...c.lnParam });
          expectArray(
            'out of a second call',
            again,
            { shape: c.out.shape, data: [...flat(out)] },
            0,
          );
        });
      },
    },
    backwardPart({
      id: 'layernorm_backward',
      title: 'layernormBackward',
      points: 5,
      forward: 'layernormForward',
      backward: 'layernormBackward',
    }),
    normNetPart('layernorm', 5),
    ...[1, 2, 3, 4].map((k) =>
      answerPart({
        id: `batch_normalization:inline_question_${k}`,
        title: `inline question ${k} answered`,
        points: 5,
        notebook: NOTEBOOK,
        k,
      }),
    ),
  ],
};
