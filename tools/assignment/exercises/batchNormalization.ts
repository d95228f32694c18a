/**
 * Assignment 2's BatchNormalization exercise (notebooks/assignment2/BatchNormalization.ipynb): the
 * batch and layer normalization layers the student writes in lib/normalization.ts, their use in
 * FullyConnectedNet (lib/classifiers/fcNet.ts), and the notebook's four inline answers (its
 * experiments are given code). Computed on test/fixtures/grading/inputs/batch_normalization.json
 * and judged against answers/batch_normalization.json (numpy,
 * scripts/fixtures/make_assignment2_grading_fixtures.py): the notebook's inputs and further cases
 * (N = 1, D = 1, non-default eps and momentum, running statistics given, test mode; nets with
 * random gammas and betas on image-shaped input).
 *
 * A backward pass is graded with the cache of the student's own forward pass (its contents are
 * the student's choice), so it reports the forward pass as missing until that is written.
 */
import {
  answerPart,
  asRecord,
  type ComputeContext,
  type Exercise,
  expectArray,
  type FixtureArray,
  fixtureTensors,
  judgeCases,
  LIB_TIMEOUT_MS,
  type LibraryPart,
  mapCases,
  type NdLike,
  type Wire,
  wireArray,
  wireArrayOrNull,
  wireParams,
} from '../gradingKit';
import {
  caseNet,
  expectNetCase,
  FC_NET,
  fcNetClass,
  type NetAnswer,
  type NetInput,
  netCaseResult,
} from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/BatchNormalization.ipynb';
const NORMALIZATION = 'lib/normalization.ts';
const FIXTURE = 'batch_normalization';

interface LayerInput {
  name: string;
  x: FixtureArray;
  gamma: FixtureArray;
  beta: FixtureArray;
  dout: FixtureArray;
}
interface BatchnormInput extends LayerInput {
  bnParam: Record<string, FixtureArray | number | string>;
}
interface LayernormInput extends LayerInput {
  lnParam: Record<string, number>;
}
interface LayerAnswer {
  name: string;
  out: FixtureArray;
  dx: FixtureArray;
  dgamma: FixtureArray;
  dbeta: FixtureArray;
}
interface BatchnormAnswer extends LayerAnswer {
  runningMean: FixtureArray;
  runningVar: FixtureArray;
}
interface Inputs {
  batchnorm: BatchnormInput[];
  layernorm: LayernormInput[];
  bn_net: NetInput[];
  ln_net: NetInput[];
}
interface Answers {
  batchnorm: BatchnormAnswer[];
  layernorm: LayerAnswer[];
  bn_net: NetAnswer[];
  ln_net: NetAnswer[];
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

const inputs = (ctx: ComputeContext): Inputs => ctx.input<Inputs>(FIXTURE);
const layers = (ctx: ComputeContext): Layers => ctx.load<Layers>('lib/normalization');

/** A case's bnParam as the library takes it (tensors for the running statistics). */
function bnParam(ctx: ComputeContext, c: BatchnormInput): Param {
  const t = fixtureTensors(ctx);
  return Object.fromEntries(
    Object.entries(c.bnParam).map(([k, v]) => [k, typeof v === 'object' ? t(v) : v]),
  );
}

/** Which batch norm cases run in train mode (the backward passes' cases), by position. */
function trainModeIndexes(cases: BatchnormInput[]): number[] {
  return cases.flatMap((c, i) => (c.bnParam.mode === 'train' ? [i] : []));
}

/** A backward pass's part: the student's forward pass in train mode, then the backward pass. */
function backwardPart(options: {
  id: string;
  title: string;
  points: number;
  forward: 'batchnormForward' | 'layernormForward';
  backward: 'batchnormBackward' | 'batchnormBackwardAlt' | 'layernormBackward';
}): LibraryPart {
  const batch = options.forward === 'batchnormForward';
  return {
    kind: 'library',
    id: `batch_normalization:${options.id}`,
    title: options.title,
    points: options.points,
    file: NORMALIZATION,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const t = fixtureTensors(ctx);
      const lib = layers(ctx);
      const fx = inputs(ctx);
      const cases: (BatchnormInput | LayernormInput)[] = batch
        ? trainModeIndexes(fx.batchnorm).map((i) => fx.batchnorm[i])
        : fx.layernorm;
      return mapCases(cases, (c) => {
        const param = 'bnParam' in c ? bnParam(ctx, c) : { ...c.lnParam };
        const [, cache] = lib[options.forward](t(c.x), t(c.gamma), t(c.beta), param);
        const [dx, dgamma, dbeta] = lib[options.backward](t(c.dout), cache);
        return {
          dx: wireArray(dx, 'dx'),
          dgamma: wireArray(dgamma, 'dgamma'),
          dbeta: wireArray(dbeta, 'dbeta'),
        };
      });
    },
    judge(result, answers) {
      const fx = answers.answer<Answers>(FIXTURE);
      // The answers' batch norm cases match the inputs' one for one; the train-mode ones are
      // those whose running statistics moved or were set (every case but the test-mode ones).
      const cases: LayerAnswer[] = batch
        ? fx.batchnorm.filter((c) => !c.name.includes('test mode'))
        : fx.layernorm;
      return judgeCases(result, cases, (got, c) => {
        const r = asRecord('result', got);
        expectArray('dx', r.dx, c.dx, 1e-7);
        expectArray('dgamma', r.dgamma, c.dgamma, 1e-7);
        expectArray('dbeta', r.dbeta, c.dbeta, 1e-7);
      });
    },
  };
}

/**
 * A normalized net's part: the constructor's gammas (ones) and betas (zeros) for every hidden
 * layer, then each case's training pass and test-time scores.
 */
function normNetPart(normalization: 'batchnorm' | 'layernorm', points: number): LibraryPart {
  const label = normalization === 'batchnorm' ? 'batch' : 'layer';
  const key = normalization === 'batchnorm' ? 'bn_net' : 'ln_net';
  return {
    kind: 'library',
    id: `batch_normalization:${key}`,
    title: `FullyConnectedNet with ${label} normalization`,
    points,
    file: FC_NET,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const FullyConnectedNet = fcNetClass(ctx);
      const net = new FullyConnectedNet([6, 4], { inputDim: 5, numClasses: 3, normalization });
      const init = wireParams(net.params);
      const cases = mapCases(inputs(ctx)[key], (c) => netCaseResult(ctx, caseNet(ctx, c), c));
      return { init, cases };
    },
    judge(result, answers) {
      const r = asRecord('result', result);
      const init = r.init === null ? {} : asRecord('params', r.init);
      for (const [l, d] of [
        [1, 6],
        [2, 4],
      ]) {
        const fill = (v: number): FixtureArray => ({ shape: [d], data: new Array(d).fill(v) });
        expectArray(`params.gamma${l} (ones)`, init[`gamma${l}`], fill(1), 0);
        expectArray(`params.beta${l} (zeros)`, init[`beta${l}`], fill(0), 0);
      }
      if (Object.keys(init).some((k) => k === 'gamma3' || k === 'beta3')) {
        throw new Error('the output layer has gamma3 / beta3: only hidden layers are normalized');
      }
      return judgeCases(r.cases, answers.answer<Answers>(FIXTURE)[key], expectNetCase);
    },
  };
}

/** Layer norm's output, and the output of a second call on the same input. */
function layernormTwice(ctx: ComputeContext, c: LayernormInput): Wire {
  const t = fixtureTensors(ctx);
  const { layernormForward } = layers(ctx);
  const [out] = layernormForward(t(c.x), t(c.gamma), t(c.beta), { ...c.lnParam });
  const [again] = layernormForward(t(c.x), t(c.gamma), t(c.beta), { ...c.lnParam });
  return { out: wireArray(out, 'out'), again: wireArray(again, 'out of a second call') };
}

export const batchNormalization: Exercise = {
  name: 'batch_normalization',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      kind: 'library',
      id: 'batch_normalization:batchnorm_forward',
      title: 'batchnormForward (train and test mode)',
      points: 10,
      file: NORMALIZATION,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const t = fixtureTensors(ctx);
        const { batchnormForward } = layers(ctx);
        return mapCases(inputs(ctx).batchnorm, (c) => {
          const param = bnParam(ctx, c);
          const [out] = batchnormForward(t(c.x), t(c.gamma), t(c.beta), param);
          return {
            out: wireArray(out, 'out'),
            runningMean: wireArrayOrNull(param.runningMean, 'bnParam.runningMean'),
            runningVar: wireArrayOrNull(param.runningVar, 'bnParam.runningVar'),
          };
        });
      },
      judge(result, answers) {
        return judgeCases(result, answers.answer<Answers>(FIXTURE).batchnorm, (got, c) => {
          const r = asRecord('result', got);
          expectArray('out', r.out, c.out, 1e-8);
          // Train mode updates the running statistics in bnParam; test mode leaves them.
          expectArray('bnParam.runningMean', r.runningMean, c.runningMean, 1e-10);
          expectArray('bnParam.runningVar', r.runningVar, c.runningVar, 1e-10);
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
      kind: 'library',
      id: 'batch_normalization:layernorm_forward',
      title: 'layernormForward',
      points: 5,
      file: NORMALIZATION,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        return mapCases(inputs(ctx).layernorm, (c) => layernormTwice(ctx, c));
      },
      judge(result, answers) {
        return judgeCases(result, answers.answer<Answers>(FIXTURE).layernorm, (got, c) => {
          const r = asRecord('result', got);
          expectArray('out', r.out, c.out, 1e-8);
          // Layer norm keeps no running statistics: the same input gives the same output again.
          expectArray('out of a second call', r.again, c.out, 1e-8);
          const out = (r.out as { data: Float64Array }).data;
          const again = (r.again as { data: Float64Array }).data;
          if (out.some((v, i) => v !== again[i])) {
            throw new Error(
              'out of a second call differs from the first: state kept between calls',
            );
          }
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
