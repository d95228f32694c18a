/**
 * The two-layer net exercise (notebooks/assignment1/two_layer_net.ipynb): what the student writes in
 * lib/layers/ and lib/classifiers/fcNet.ts, the notebook's Solver and tuning cells, and its two
 * inline answers. Library parts are checked against test/fixtures/grading/two_layer_net.json
 * (numpy, scripts/fixtures/make_grading_fixtures.py): the notebook's own seeded check and further
 * cases (other seeds, shapes, N = 1, large scores, other regularisation strengths), with the
 * notebook's tolerances.
 */
import {
  answerPart,
  type Exercise,
  eachCase,
  expectArray,
  expectNumber,
  type FixtureArray,
  flat as flatValues,
  type GradeContext,
  LIB_TIMEOUT_MS,
  type NdLike,
  printedAccuracyPart,
} from '../gradingKit';

const NOTEBOOK = 'notebooks/assignment1/two_layer_net.ipynb';
const AFFINE = 'lib/layers/affine.ts';
const RELU = 'lib/layers/relu.ts';
const LOSSES = 'lib/layers/losses.ts';
const FC_NET = 'lib/classifiers/fcNet.ts';

type Tensor = NdLike;
type MakeTensor = (shape: readonly number[], data?: Float64Array) => Tensor;
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

interface Fixtures {
  affine_forward: {
    name: string;
    x: FixtureArray;
    w: FixtureArray;
    b: FixtureArray;
    out: FixtureArray;
  }[];
  affine_backward: {
    name: string;
    x: FixtureArray;
    w: FixtureArray;
    b: FixtureArray;
    dout: FixtureArray;
    dx: FixtureArray;
    dw: FixtureArray;
    db: FixtureArray;
  }[];
  relu_forward: { name: string; x: FixtureArray; out: FixtureArray }[];
  relu_backward: { name: string; x: FixtureArray; dout: FixtureArray; dx: FixtureArray }[];
  svm_loss: LossCase[];
  softmax_loss: LossCase[];
  two_layer_net: {
    name: string;
    X: FixtureArray;
    y: number[];
    reg: number;
    params: Record<string, FixtureArray>;
    scores: FixtureArray;
    loss: number;
    grads: Record<string, FixtureArray>;
  }[];
}
interface LossCase {
  name: string;
  x: FixtureArray;
  y: number[];
  loss: number;
  dx: FixtureArray;
}

function setup(ctx: GradeContext) {
  const fx = ctx.fixture<Fixtures>('two_layer_net');
  const { tensor } = ctx.load<{ tensor: MakeTensor }>('lib/core/tensor');
  const t = (a: FixtureArray): Tensor => tensor(a.shape, Float64Array.from(a.data));
  return { fx, t };
}

function layers(ctx: GradeContext): Layers {
  return ctx.load<Layers>('lib/layers');
}

function newNet(ctx: GradeContext, options?: Record<string, number | undefined>): Net {
  const { TwoLayerNet } = ctx.load<{ TwoLayerNet: NetClass }>('lib/classifiers/fcNet');
  return new TwoLayerNet(options);
}

/** Standard deviation of a tensor's values. */
function std(v: Float64Array): number {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let s = 0;
  for (const x of v) s += (x - mean) ** 2;
  return Math.sqrt(s / v.length);
}

export const twoLayerNet: Exercise = {
  name: 'two_layer_net',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    {
      id: 'two_layer_net:affine_forward',
      title: 'affineForward',
      points: 5,
      file: AFFINE,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { fx, t } = setup(ctx);
        const { affineForward } = layers(ctx);
        return eachCase(fx.affine_forward, (c) => {
          const [out] = affineForward(t(c.x), t(c.w), t(c.b));
          expectArray('out', out, c.out, 1e-8);
        });
      },
    },
    {
      id: 'two_layer_net:affine_backward',
      title: 'affineBackward',
      points: 10,
      file: AFFINE,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { fx, t } = setup(ctx);
        const { affineBackward } = layers(ctx);
        return eachCase(fx.affine_backward, (c) => {
          // The cache the assignment's affine_forward keeps: (x, w, b).
          const [dx, dw, db] = affineBackward(t(c.dout), [t(c.x), t(c.w), t(c.b)]);
          expectArray('dx', dx, c.dx, 1e-8);
          expectArray('dw', dw, c.dw, 1e-8);
          expectArray('db', db, c.db, 1e-8);
        });
      },
    },
    {
      id: 'two_layer_net:relu_forward',
      title: 'reluForward',
      points: 5,
      file: RELU,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { fx, t } = setup(ctx);
        const { reluForward } = layers(ctx);
        return eachCase(fx.relu_forward, (c) => {
          const [out] = reluForward(t(c.x));
          expectArray('out', out, c.out, 1e-8);
        });
      },
    },
    {
      id: 'two_layer_net:relu_backward',
      title: 'reluBackward',
      points: 5,
      file: RELU,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { fx, t } = setup(ctx);
        const { reluBackward } = layers(ctx);
        return eachCase(fx.relu_backward, (c) => {
          // The cache the assignment's relu_forward keeps: x.
          expectArray('dx', reluBackward(t(c.dout), t(c.x)), c.dx, 1e-8);
        });
      },
    },
    ...(['svm_loss', 'softmax_loss'] as const).map((key) => ({
      id: `two_layer_net:${key}`,
      title: key === 'svm_loss' ? 'svmLoss' : 'softmaxLoss',
      points: 10,
      file: LOSSES,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx: GradeContext): string {
        const { fx, t } = setup(ctx);
        const fn = key === 'svm_loss' ? layers(ctx).svmLoss : layers(ctx).softmaxLoss;
        return eachCase(fx[key], (c) => {
          const [loss, dx] = fn(t(c.x), Int32Array.from(c.y));
          expectNumber('loss', loss, c.loss, 1e-9 * Math.max(1, Math.abs(c.loss)));
          expectArray('dx', dx, c.dx, 1e-7);
        });
      },
    })),
    {
      id: 'two_layer_net:net_init',
      title: 'TwoLayerNet constructor',
      points: 5,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { random } = ctx.load<{ random: { seed(s: number): void } }>('lib/core/random');
        const cases = [
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
        return eachCase(cases, (c) => {
          random.seed(231);
          const net = newNet(ctx, c.options);
          const want: Record<string, number[]> = {
            W1: [c.D, c.H],
            b1: [c.H],
            W2: [c.H, c.C],
            b2: [c.C],
          };
          for (const [name, shape] of Object.entries(want)) {
            const p = net.params?.[name];
            const zeros: FixtureArray = {
              shape,
              data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0),
            };
            if (name.startsWith('b')) {
              expectArray(`params.${name} (zero biases)`, p, zeros, 0);
            } else {
              const s = std(flat(p, name, shape));
              if (!(Math.abs(s - c.ws) < c.ws / 10)) {
                throw new Error(
                  `params.${name}: standard deviation ${s}, expected about weightScale ${c.ws}`,
                );
              }
            }
          }
          if (net.reg !== c.reg) throw new Error(`reg is ${net.reg}, expected ${c.reg}`);
        });
      },
    },
    {
      id: 'two_layer_net:net_loss',
      title: 'TwoLayerNet.loss (scores, loss, gradients)',
      points: 20,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { fx, t } = setup(ctx);
        const { TwoLayerNet } = ctx.load<{ TwoLayerNet: NetClass }>('lib/classifiers/fcNet');
        return eachCase(fx.two_layer_net, (c) => {
          // A model with the case's parameters, made without the constructor (graded on its own).
          const net = Object.create(TwoLayerNet.prototype) as Net;
          net.params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)]));
          net.reg = c.reg;
          const X = t(c.X);
          expectArray('scores (test time, loss(X))', net.loss(X), c.scores, 1e-8);
          const [loss, grads] = net.loss(X, Int32Array.from(c.y));
          expectNumber('loss', loss, c.loss, 1e-10 * Math.max(1, Math.abs(c.loss)));
          for (const name of ['W1', 'b1', 'W2', 'b2']) {
            expectArray(`grads.${name}`, grads?.[name], c.grads[name], 1e-7);
          }
        });
      },
    },
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

function flat(p: Tensor | undefined, name: string, shape: number[]): Float64Array {
  if (!p || !Array.isArray(p.shape) || p.shape.join(',') !== shape.join(',')) {
    throw new Error(
      `params.${name}: shape ${p?.shape ? `(${p.shape.join(', ')})` : String(p)}, expected (${shape.join(', ')})`,
    );
  }
  return flatValues(p);
}
