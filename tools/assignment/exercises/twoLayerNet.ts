/**
 * The two-layer net exercise (notebooks/two_layer_net.ipynb): what the student writes in
 * lib/layers.ts and lib/classifiers/fcNet.ts, the notebook's Solver and tuning cells, and its two
 * inline answers. Library parts are computed on test/fixtures/grading/inputs/two_layer_net.json and
 * judged against answers/two_layer_net.json (numpy, scripts/fixtures/make_grading_fixtures.py): the
 * notebook's own seeded check and further cases (other seeds, shapes, N = 1, large scores, other
 * regularisation strengths; ReLU inputs with exact zeros, SVM margins of exactly 0, softmax scores
 * above 710), with the notebook's tolerances.
 */
import {
  answerPart,
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
  printedAccuracyPart,
  type Wire,
  wireArray,
  wireNumber,
  wireParams,
} from '../gradingKit';

const NOTEBOOK = 'notebooks/two_layer_net.ipynb';
const LAYERS = 'lib/layers.ts';
const FC_NET = 'lib/classifiers/fcNet.ts';

type Tensor = NdLike;
type Layers = {
  affineForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, unknown];
  affineBackward(dout: Tensor, cache: unknown): [Tensor, Tensor, Tensor];
  reluForward(x: Tensor): [Tensor, unknown];
  reluBackward(dout: Tensor, cache: unknown): Tensor;
  svmLoss(x: Tensor, y: Int32Array): [number, Tensor];
  softmaxLoss(x: Tensor, y: Int32Array): [number, Tensor];
};
type Net = {
  params: Record<string, Tensor>;
  reg: number;
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Int32Array): [number, Record<string, Tensor>];
};
type NetClass = {
  new (options?: Record<string, number | undefined>): Net;
  prototype: Net;
};

type A = FixtureArray;
interface Inputs {
  affine_forward: { name: string; x: A; w: A; b: A }[];
  affine_backward: { name: string; x: A; w: A; b: A; dout: A }[];
  relu_forward: { name: string; x: A }[];
  relu_backward: { name: string; x: A; dout: A }[];
  svm_loss: { name: string; x: A; y: number[] }[];
  softmax_loss: { name: string; x: A; y: number[] }[];
  two_layer_net: { name: string; X: A; y: number[]; reg: number; params: Record<string, A> }[];
}
interface Answers {
  affine_forward: { name: string; out: A }[];
  affine_backward: { name: string; dx: A; dw: A; db: A }[];
  relu_forward: { name: string; out: A }[];
  relu_backward: { name: string; dx: A }[];
  svm_loss: { name: string; loss: number; dx: A }[];
  softmax_loss: { name: string; loss: number; dx: A }[];
  two_layer_net: {
    name: string;
    scores: A;
    loss: number;
    grads: Record<string, A>;
  }[];
}

const inputs = (ctx: ComputeContext): Inputs => ctx.input<Inputs>('two_layer_net');
const layers = (ctx: ComputeContext): Layers => ctx.load<Layers>('lib/layers');

/** A library part of this exercise: compute on the inputs' `key` cases, judge each result. */
function layerPart<K extends keyof Inputs & keyof Answers>(options: {
  key: K;
  id: string;
  title: string;
  points: number;
  file: string;
  run(ctx: ComputeContext, t: (a: A) => NdLike): (c: Inputs[K][number]) => Wire;
  check(got: { [k: string]: Wire }, want: Answers[K][number]): void;
}): LibraryPart {
  return {
    kind: 'library',
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.file,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const cases = inputs(ctx)[options.key] as Inputs[K][number][];
      const run = options.run(ctx, fixtureTensors(ctx));
      return mapCases(cases, run);
    },
    judge(result, answers) {
      const cases = answers.answer<Answers>('two_layer_net')[options.key] as Answers[K][number][];
      return judgeCases(result, cases, (got, want) => options.check(asRecord('result', got), want));
    },
  };
}

/** A loss part (svmLoss or softmaxLoss). */
function lossPart(key: 'svm_loss' | 'softmax_loss'): LibraryPart {
  return layerPart({
    key,
    id: `two_layer_net:${key}`,
    title: key === 'svm_loss' ? 'svmLoss' : 'softmaxLoss',
    points: 10,
    file: LAYERS,
    run: (ctx, t) => {
      const fn = key === 'svm_loss' ? layers(ctx).svmLoss : layers(ctx).softmaxLoss;
      return (c) => {
        const [loss, dx] = fn(t(c.x), Int32Array.from(c.y));
        return { loss: wireNumber(loss), dx: wireArray(dx, 'dx') };
      };
    },
    check: (got, want) => {
      expectNumber('loss', got.loss, want.loss, 1e-9 * Math.max(1, Math.abs(want.loss)));
      expectArray('dx', got.dx, want.dx, 1e-7);
    },
  });
}

/** The constructor's cases: settings, and the shapes and scale its parameters must have. */
const INIT_CASES = [
  {
    name: 'notebook (D 5, H 50, C 7, weightScale 1e-3)',
    options: { inputDim: 5, hiddenDim: 50, numClasses: 7, weightScale: 1e-3 },
    D: 5,
    H: 50,
    C: 7,
    ws: 1e-3,
    reg: 0,
  },
  {
    name: 'D 60, H 40, C 20, weightScale 1e-2, reg 0.5',
    options: { inputDim: 60, hiddenDim: 40, numClasses: 20, weightScale: 1e-2, reg: 0.5 },
    D: 60,
    H: 40,
    C: 20,
    ws: 1e-2,
    reg: 0.5,
  },
  {
    name: 'defaults (D 3072, H 100, C 10, weightScale 1e-3, reg 0)',
    options: undefined,
    D: 3072,
    H: 100,
    C: 10,
    ws: 1e-3,
    reg: 0,
  },
];

export const twoLayerNet: Exercise = {
  name: 'two_layer_net',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    layerPart({
      key: 'affine_forward',
      id: 'two_layer_net:affine_forward',
      title: 'affineForward',
      points: 5,
      file: LAYERS,
      run: (ctx, t) => {
        const { affineForward } = layers(ctx);
        return (c) => ({ out: wireArray(affineForward(t(c.x), t(c.w), t(c.b))[0], 'out') });
      },
      check: (got, want) => {
        expectArray('out', got.out, want.out, 1e-8);
      },
    }),
    layerPart({
      key: 'affine_backward',
      id: 'two_layer_net:affine_backward',
      title: 'affineBackward',
      points: 10,
      file: LAYERS,
      run: (ctx, t) => {
        const { affineBackward } = layers(ctx);
        return (c) => {
          // The cache the assignment's affine_forward keeps: (x, w, b).
          const [dx, dw, db] = affineBackward(t(c.dout), [t(c.x), t(c.w), t(c.b)]);
          return { dx: wireArray(dx, 'dx'), dw: wireArray(dw, 'dw'), db: wireArray(db, 'db') };
        };
      },
      check: (got, want) => {
        expectArray('dx', got.dx, want.dx, 1e-8);
        expectArray('dw', got.dw, want.dw, 1e-8);
        expectArray('db', got.db, want.db, 1e-8);
      },
    }),
    layerPart({
      key: 'relu_forward',
      id: 'two_layer_net:relu_forward',
      title: 'reluForward',
      points: 5,
      file: LAYERS,
      run: (ctx, t) => {
        const { reluForward } = layers(ctx);
        return (c) => ({ out: wireArray(reluForward(t(c.x))[0], 'out') });
      },
      check: (got, want) => {
        expectArray('out', got.out, want.out, 1e-8);
      },
    }),
    layerPart({
      key: 'relu_backward',
      id: 'two_layer_net:relu_backward',
      title: 'reluBackward',
      points: 5,
      file: LAYERS,
      run: (ctx, t) => {
        const { reluBackward } = layers(ctx);
        // The cache the assignment's relu_forward keeps: x.
        return (c) => ({ dx: wireArray(reluBackward(t(c.dout), t(c.x)), 'dx') });
      },
      check: (got, want) => {
        expectArray('dx', got.dx, want.dx, 1e-8);
      },
    }),
    lossPart('svm_loss'),
    lossPart('softmax_loss'),
    {
      kind: 'library',
      id: 'two_layer_net:net_init',
      title: 'TwoLayerNet constructor',
      points: 5,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const { random } = ctx.load<{ random: { seed(s: number): void } }>('lib/core/random');
        const { TwoLayerNet } = ctx.load<{ TwoLayerNet: NetClass }>('lib/classifiers/fcNet');
        return mapCases(INIT_CASES, (c) => {
          random.seed(231);
          const net = new TwoLayerNet(c.options);
          return { params: wireParams(net.params), reg: wireNumber(net.reg) };
        });
      },
      judge(result) {
        return judgeCases(result, INIT_CASES, (got, c) => {
          const r = asRecord('result', got);
          const params = asRecord('params', r.params);
          expectInitParam('params.W1', params.W1, [c.D, c.H], c.ws);
          expectInitParam('params.b1', params.b1, [c.H], null);
          expectInitParam('params.W2', params.W2, [c.H, c.C], c.ws);
          expectInitParam('params.b2', params.b2, [c.C], null);
          if (r.reg !== c.reg) throw new Error(`reg is ${String(r.reg)}, expected ${c.reg}`);
        });
      },
    },
    layerPart({
      key: 'two_layer_net',
      id: 'two_layer_net:net_loss',
      title: 'TwoLayerNet.loss (scores, loss, gradients)',
      points: 20,
      file: FC_NET,
      run: (ctx, t) => {
        const { TwoLayerNet } = ctx.load<{ TwoLayerNet: NetClass }>('lib/classifiers/fcNet');
        return (c) => {
          // A model with the case's parameters, made without the constructor (graded on its own).
          const net = Object.create(TwoLayerNet.prototype) as Net;
          net.params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)]));
          net.reg = c.reg;
          const X = t(c.X);
          const scores = wireArray(net.loss(X), 'scores (test time, loss(X))');
          const [loss, grads] = net.loss(X, Int32Array.from(c.y));
          return { scores, loss: wireNumber(loss), grads: wireParams(grads) };
        };
      },
      check: (got, want) => {
        expectArray('scores (test time, loss(X))', got.scores, want.scores, 1e-8);
        expectNumber('loss', got.loss, want.loss, 1e-10 * Math.max(1, Math.abs(want.loss)));
        const grads = asRecord('grads', got.grads);
        for (const name of ['W1', 'b1', 'W2', 'b2']) {
          expectArray(`grads.${name}`, grads[name], want.grads[name], 1e-7);
        }
      },
    }),
    printedAccuracyPart({
      id: 'two_layer_net:solver_cell',
      title: 'Solver cell: validation accuracy >= 0.36',
      points: 10,
      notebook: NOTEBOOK,
      labels: ['Solver: best validation accuracy'],
      bar: 0.36,
    }),
    printedAccuracyPart({
      id: 'two_layer_net:tuned_model',
      title: 'tuned model: validation and test accuracy >= 0.48',
      points: 10,
      notebook: NOTEBOOK,
      labels: ['Validation set accuracy:', 'Test set accuracy:'],
      bar: 0.48,
    }),
    answerPart({
      id: 'two_layer_net:inline_question_1',
      title: 'inline question 1 answered',
      points: 5,
      notebook: NOTEBOOK,
      k: 1,
    }),
    answerPart({
      id: 'two_layer_net:inline_question_2',
      title: 'inline question 2 answered',
      points: 5,
      notebook: NOTEBOOK,
      k: 2,
    }),
  ],
};
