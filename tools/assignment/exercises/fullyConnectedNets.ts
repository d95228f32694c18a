/**
 * Assignment 2's FullyConnectedNets exercise (notebooks/assignment2/FullyConnectedNets.ipynb):
 * the FullyConnectedNet constructor and loss the student writes in lib/classifiers/fcNet.ts, the
 * update rules of lib/optim.ts, the notebook's two overfitting cells and its best model, and its
 * two inline answers. Library parts are checked against
 * test/fixtures/grading/fully_connected_nets.json (numpy,
 * scripts/fixtures/make_assignment2_grading_fixtures.py): the notebook's seeded checks and further
 * cases (no hidden layer, three hidden layers on image-shaped input, N = 1, large weights; update
 * rules over several steps with default and custom hyperparameters).
 */
import {
  answerPart,
  type Exercise,
  eachCase,
  expectArray,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  flat,
  type GradeContext,
  LIB_TIMEOUT_MS,
  type NdLike,
  type Part,
  printedAccuracyPart,
} from '../gradingKit';
import { caseNet, expectNetCase, FC_NET, fcNetClass, type NetCase } from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/FullyConnectedNets.ipynb';
const OPTIM = 'lib/optim.ts';

/** A run of an update rule: its start, then each step's gradient and what it should give. */
interface RuleCase {
  name: string;
  rule: 'sgd_momentum' | 'rmsprop' | 'adam';
  w: FixtureArray;
  config: Record<string, FixtureArray | number>;
  steps: { dw: FixtureArray; nextW: FixtureArray; config: Record<string, FixtureArray | number> }[];
}

interface Fixtures {
  net_loss: NetCase[];
  update_rules: RuleCase[];
}

type Config = Record<string, NdLike | number>;
type Rule = (w: NdLike, dw: NdLike, config?: Config) => [NdLike, Config];

const fixtures = (ctx: GradeContext): Fixtures => ctx.fixture<Fixtures>('fully_connected_nets');

/** Standard deviation of values. */
function std(v: Float64Array): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

/**
 * An update rule's part: every case of that rule run step by step, the config returned by one
 * step passed to the next; each step's new weights (relative error 1e-6, which admits the
 * rearrangements of the formula the course's checks accept) and state (1e-8) checked.
 */
function rulePart(rule: RuleCase['rule'], title: string): Part {
  return {
    id: `fully_connected_nets:${rule}`,
    title,
    points: 5,
    file: OPTIM,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const t = fixtureTensors(ctx);
      const rules = ctx.load<{ updateRules: Record<string, Rule> }>('lib/optim').updateRules;
      const toConfig = (c: Record<string, FixtureArray | number>): Config =>
        Object.fromEntries(
          Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? v : t(v)]),
        );
      return eachCase(
        fixtures(ctx).update_rules.filter((c) => c.rule === rule),
        (c) => {
          let w = t(c.w);
          let config: Config = toConfig(c.config);
          c.steps.forEach((step, i) => {
            const [nextW, next] = rules[rule](w, t(step.dw), config);
            expectArray(`step ${i + 1}: nextW`, nextW, step.nextW, 1e-6);
            for (const [key, want] of Object.entries(step.config)) {
              const got = next?.[key];
              if (typeof want === 'number') {
                expectNumber(`step ${i + 1}: config.${key}`, got, want, 1e-12 * Math.abs(want));
              } else {
                expectArray(`step ${i + 1}: config.${key}`, got as NdLike, want, 1e-8);
              }
            }
            w = nextW;
            config = next;
          });
        },
      );
    },
  };
}

export const fullyConnectedNets: Exercise = {
  name: 'fully_connected_nets',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      id: 'fully_connected_nets:net_init',
      title: 'FullyConnectedNet constructor',
      points: 5,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const FullyConnectedNet = fcNetClass(ctx);
        const { random } = ctx.load<{ random: { seed(s: number): void } }>('lib/core/random');
        const cases = [
          {
            name: 'hidden [50, 40], D 30, C 7, weightScale 1e-2',
            hidden: [50, 40],
            D: 30,
            C: 7,
            ws: 1e-2,
            reg: 0,
          },
          {
            name: 'no hidden layer, D 200, C 10, weightScale 0.5, reg 0.3',
            hidden: [],
            D: 200,
            C: 10,
            ws: 0.5,
            reg: 0.3,
          },
          {
            name: 'hidden [100, 100, 100], defaults (D 3072, C 10, weightScale 1e-2)',
            hidden: [100, 100, 100],
            D: 3072,
            C: 10,
            ws: 1e-2,
            reg: 0,
          },
        ];
        return eachCase(cases, (c) => {
          random.seed(231);
          const net =
            c.D === 3072
              ? new FullyConnectedNet(c.hidden)
              : new FullyConnectedNet(c.hidden, {
                  inputDim: c.D,
                  numClasses: c.C,
                  weightScale: c.ws,
                  reg: c.reg,
                });
          const dims = [c.D, ...c.hidden, c.C];
          const want = dims.slice(1).flatMap((_d, l) => [`W${l + 1}`, `b${l + 1}`]);
          const names = Object.keys(net.params ?? {}).sort();
          if (names.join(',') !== [...want].sort().join(',')) {
            throw new Error(
              `params has ${names.join(', ') || 'nothing'}, expected ${want.join(', ')}`,
            );
          }
          for (let l = 1; l < dims.length; l++) {
            const W = net.params[`W${l}`];
            const b = net.params[`b${l}`];
            const zeros = (n: number): FixtureArray => ({ shape: [n], data: new Array(n).fill(0) });
            expectArray(`params.b${l} (zero biases)`, b, zeros(dims[l]), 0);
            if (W?.shape?.join(',') !== `${dims[l - 1]},${dims[l]}`) {
              throw new Error(
                `params.W${l}: shape (${W?.shape?.join(', ')}), expected (${dims[l - 1]}, ${dims[l]})`,
              );
            }
            const s = std(flat(W));
            if (!(Math.abs(s - c.ws) < c.ws / 10)) {
              throw new Error(
                `params.W${l}: standard deviation ${s}, expected about weightScale ${c.ws}`,
              );
            }
          }
          if (net.reg !== c.reg) throw new Error(`reg is ${net.reg}, expected ${c.reg}`);
        });
      },
    },
    {
      id: 'fully_connected_nets:net_loss',
      title: 'FullyConnectedNet.loss (scores, loss, gradients)',
      points: 15,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        return eachCase(fixtures(ctx).net_loss, (c) => expectNetCase(ctx, caseNet(ctx, c), c));
      },
    },
    rulePart('sgd_momentum', 'sgdMomentum'),
    rulePart('rmsprop', 'rmsprop'),
    rulePart('adam', 'adam'),
    printedAccuracyPart({
      id: 'fully_connected_nets:overfit_three_layer',
      title: 'three-layer net overfits 50 images: training accuracy 1',
      points: 5,
      notebook: NOTEBOOK,
      labels: ['best training accuracy:'],
      bar: 1,
      cell: 'const model3 = new FullyConnectedNet(',
    }),
    printedAccuracyPart({
      id: 'fully_connected_nets:overfit_five_layer',
      title: 'five-layer net overfits 50 images: training accuracy 1',
      points: 5,
      notebook: NOTEBOOK,
      labels: ['best training accuracy:'],
      bar: 1,
      cell: 'const model5 = new FullyConnectedNet(',
    }),
    printedAccuracyPart({
      id: 'fully_connected_nets:best_model',
      title: 'best model: validation accuracy >= 0.5',
      points: 10,
      notebook: NOTEBOOK,
      labels: ['Validation set accuracy:'],
      bar: 0.5,
    }),
    answerPart({
      id: 'fully_connected_nets:inline_question_1',
      title: 'inline question 1 answered',
      points: 5,
      notebook: NOTEBOOK,
      k: 1,
    }),
    answerPart({
      id: 'fully_connected_nets:inline_question_2',
      title: 'inline question 2 answered',
      points: 5,
      notebook: NOTEBOOK,
      k: 2,
    }),
  ],
};
