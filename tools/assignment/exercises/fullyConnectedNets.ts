/**
 * Assignment 2's FullyConnectedNets exercise (notebooks/assignment2/FullyConnectedNets.ipynb):
 * the FullyConnectedNet constructor and loss the student writes in lib/classifiers/fcNet.ts, the
 * update rules of lib/optim.ts, the notebook's two overfitting cells and its best model, and its
 * two inline answers. Library parts are computed on
 * test/fixtures/grading/inputs/fully_connected_nets.json and judged against
 * answers/fully_connected_nets.json (numpy, scripts/fixtures/make_assignment2_grading_fixtures.py):
 * the notebook's seeded checks and further cases (no hidden layer, three hidden layers on
 * image-shaped input, N = 1, large weights; update rules over several steps with default and
 * custom hyperparameters).
 */
import {
  answerPart,
  asList,
  asRecord,
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
import {
  caseNet,
  expectNetCase,
  FC_NET,
  fcNetClass,
  type NetAnswer,
  type NetInput,
  netCaseResult,
} from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/FullyConnectedNets.ipynb';
const OPTIM = 'lib/optim.ts';
const FIXTURE = 'fully_connected_nets';

type Rule = 'sgd_momentum' | 'rmsprop' | 'adam';
type ConfigValues = Record<string, FixtureArray | number>;

/** A run of an update rule: its start and each step's gradient. */
interface RuleInput {
  name: string;
  rule: Rule;
  w: FixtureArray;
  config: ConfigValues;
  steps: { dw: FixtureArray }[];
}
/** What each step of a run should give. */
interface RuleAnswer {
  name: string;
  rule: Rule;
  steps: { nextW: FixtureArray; config: ConfigValues }[];
}

interface Inputs {
  net_loss: NetInput[];
  update_rules: RuleInput[];
}
interface Answers {
  net_loss: NetAnswer[];
  update_rules: RuleAnswer[];
}

type Config = Record<string, NdLike | number>;
type RuleFn = (w: NdLike, dw: NdLike, config?: Config) => [NdLike, Config];

/** A config as plain data: numbers as they are, ndarrays as {shape, data}, anything else null. */
function wireConfig(config: unknown): Wire {
  if (!config || typeof config !== 'object') return null;
  const out: { [k: string]: Wire } = {};
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const nd = v as NdLike | null;
    out[k] =
      typeof v === 'number'
        ? v
        : nd && Array.isArray(nd.shape) && typeof nd.get === 'function'
          ? wireArray(nd, `config.${k}`)
          : null;
  }
  return out;
}

/**
 * An update rule's part: every case of that rule run step by step, the config returned by one
 * step passed to the next; each step's new weights (relative error 1e-6, which admits the
 * rearrangements of the formula the course's checks accept) and state (1e-8) judged.
 */
function rulePart(rule: Rule, title: string): LibraryPart {
  return {
    kind: 'library',
    id: `fully_connected_nets:${rule}`,
    title,
    points: 5,
    file: OPTIM,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const t = fixtureTensors(ctx);
      const rules = ctx.load<{ updateRules: Record<string, RuleFn> }>('lib/optim').updateRules;
      const toConfig = (c: ConfigValues): Config =>
        Object.fromEntries(
          Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? v : t(v)]),
        );
      const cases = ctx.input<Inputs>(FIXTURE).update_rules.filter((c) => c.rule === rule);
      return mapCases(cases, (c) => {
        let w = t(c.w);
        let config: Config = toConfig(c.config);
        return c.steps.map((step) => {
          const [nextW, next] = rules[rule](w, t(step.dw), config);
          const result = { nextW: wireArray(nextW, 'nextW'), config: wireConfig(next) };
          w = nextW;
          config = next;
          return result;
        });
      });
    },
    judge(result, answers) {
      const cases = answers.answer<Answers>(FIXTURE).update_rules.filter((c) => c.rule === rule);
      return judgeCases(result, cases, (got, c) => {
        const steps = asList('steps', got, c.steps.length);
        c.steps.forEach((step, i) => {
          const r = asRecord(`step ${i + 1}`, steps[i]);
          expectArray(`step ${i + 1}: nextW`, r.nextW, step.nextW, 1e-6);
          const config = r.config === null ? {} : asRecord(`step ${i + 1}: config`, r.config);
          for (const [key, want] of Object.entries(step.config)) {
            if (typeof want === 'number') {
              expectNumber(
                `step ${i + 1}: config.${key}`,
                config[key],
                want,
                1e-12 * Math.abs(want),
              );
            } else {
              expectArray(`step ${i + 1}: config.${key}`, config[key], want, 1e-8);
            }
          }
        });
      });
    },
  };
}

/** The constructor's cases: hidden layers, settings and the weight scale its parameters must have. */
const INIT_CASES = [
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

export const fullyConnectedNets: Exercise = {
  name: 'fully_connected_nets',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      kind: 'library',
      id: 'fully_connected_nets:net_init',
      title: 'FullyConnectedNet constructor',
      points: 5,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const FullyConnectedNet = fcNetClass(ctx);
        const { random } = ctx.load<{ random: { seed(s: number): void } }>('lib/core/random');
        return mapCases(INIT_CASES, (c) => {
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
          return { params: wireParams(net.params), reg: wireNumber(net.reg) };
        });
      },
      judge(result) {
        return judgeCases(result, INIT_CASES, (got, c) => {
          const r = asRecord('result', got);
          const params = r.params === null ? {} : asRecord('params', r.params);
          const dims = [c.D, ...c.hidden, c.C];
          const want = dims.slice(1).flatMap((_d, l) => [`W${l + 1}`, `b${l + 1}`]);
          const names = Object.keys(params).sort();
          if (names.join(',') !== [...want].sort().join(',')) {
            throw new Error(
              `params has ${names.join(', ') || 'nothing'}, expected ${want.join(', ')}`,
            );
          }
          for (let l = 1; l < dims.length; l++) {
            expectInitParam(`params.b${l}`, params[`b${l}`], [dims[l]], null);
            expectInitParam(`params.W${l}`, params[`W${l}`], [dims[l - 1], dims[l]], c.ws);
          }
          if (r.reg !== c.reg) throw new Error(`reg is ${String(r.reg)}, expected ${c.reg}`);
        });
      },
    },
    {
      kind: 'library',
      id: 'fully_connected_nets:net_loss',
      title: 'FullyConnectedNet.loss (scores, loss, gradients)',
      points: 15,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        return mapCases(ctx.input<Inputs>(FIXTURE).net_loss, (c) =>
          netCaseResult(ctx, caseNet(ctx, c), c),
        );
      },
      judge(result, answers) {
        return judgeCases(result, answers.answer<Answers>(FIXTURE).net_loss, expectNetCase);
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
