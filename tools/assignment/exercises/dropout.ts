/**
 * Assignment 2's Dropout exercise (notebooks/assignment2/Dropout.ipynb): the dropout layer the
 * student writes in lib/dropout.ts, its use in FullyConnectedNet (lib/classifiers/fcNet.ts), and
 * the notebook's two inline answers (its regularization experiment is given code).
 *
 * Which activations a mask drops depends on how the student draws it, so compute returns the raw
 * outputs (outputs, masks, losses at perturbed points) and the judge checks what any correct
 * inverted dropout does: the kept fraction and the mean of a large input, kept values scaled by
 * 1 / p, the identity at test time, the same mask again for the same seed, and (for the net)
 * gradients that match centred differences with the mask held fixed by the seed, no dropout at a
 * keep ratio of 1 or at test time. The backward pass is graded on the student's own forward pass:
 * its cache must hold the mask in the documented form (0 or 1 / p, `[dropoutParam, mask]`) and dx
 * must be dout * mask (inputs and upstream gradients from test/fixtures/grading/inputs/dropout.json,
 * numpy, scripts/fixtures/make_assignment2_grading_fixtures.py).
 */
import {
  answerPart,
  asArray,
  asList,
  asRecord,
  type ComputeContext,
  type Exercise,
  expectArray,
  expectNumber,
  expectShape,
  type FixtureArray,
  fixtureTensors,
  judgeCases,
  LIB_TIMEOUT_MS,
  mapCases,
  type NdLike,
  relError,
  type Wire,
  type WireArray,
  wireArray,
  wireArrayOrNull,
  wireNumber,
  wireParams,
} from '../gradingKit';
import {
  caseLabels,
  caseNet,
  expectNetCase,
  FC_NET,
  type NetAnswer,
  type NetInput,
  netCaseResult,
} from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/Dropout.ipynb';
const DROPOUT = 'lib/dropout.ts';
const FIXTURE = 'dropout';

interface BackwardInput {
  name: string;
  p: number;
  seed: number;
  x: FixtureArray;
  dout: FixtureArray;
}
/** What the judge needs to check a backward case: the input and upstream gradient it was given. */
interface BackwardAnswer {
  name: string;
  p: number;
  x: FixtureArray;
  dout: FixtureArray;
}
interface Inputs {
  backward: BackwardInput[];
  net: NetInput[];
}
interface Answers {
  backward: BackwardAnswer[];
  net: NetAnswer[];
}

type Param = { mode: 'train' | 'test'; p: number; seed?: number };
type Layer = {
  dropoutForward(x: NdLike, param: Param): [NdLike, unknown];
  dropoutBackward(dout: NdLike, cache: unknown): NdLike;
};

const layer = (ctx: ComputeContext): Layer => ctx.load<Layer>('lib/dropout');

/** The forward part's keep probabilities. */
const FORWARD_PS = [0.25, 0.4, 0.7];
/** The large input's shape (the kept fraction's standard deviation is below 0.002). */
const BIG: [number, number] = [300, 300];
/** The small input's shape (test mode, seeds). */
const SMALL: [number, number] = [40, 50];

/**
 * A deterministic input with mean about 10, the same in compute and judge (no random generator:
 * the student's copy of lib/core/random is not trusted by the judge).
 */
function dropoutInput(shape: [number, number]): Float64Array {
  return Float64Array.from(
    { length: shape[0] * shape[1] },
    (_, i) => 10 + 2 * Math.sin(12.9898 * i + 78.233) + Math.cos(0.37 * i),
  );
}

/** Centred differences of f over every entry of x (h = 1e-5): f at x + h and at x - h. */
function perturbedLosses(
  f: () => number,
  x: NdLike & { data: Float64Array },
): { plus: Float64Array; minus: Float64Array } {
  const plus = new Float64Array(x.data.length);
  const minus = new Float64Array(x.data.length);
  for (let i = 0; i < plus.length; i++) {
    const old = x.data[i];
    x.data[i] = old + 1e-5;
    plus[i] = f();
    x.data[i] = old - 1e-5;
    minus[i] = f();
    x.data[i] = old;
  }
  return { plus, minus };
}

/** Checks that two outputs are equal entry by entry (both already checked to be ndarrays). */
function sameValues(a: WireArray, b: WireArray): boolean {
  return a.data.length === b.data.length && a.data.every((v, i) => Object.is(v, b.data[i]));
}

/** Judges one keep probability of the forward part. */
function judgeForward(p: number, got: Wire): void {
  const r = asRecord('result', got);
  const x = dropoutInput(BIG);
  const small = dropoutInput(SMALL);
  const out = expectShape('train mode: out', r.out, BIG);
  let kept = 0;
  for (let i = 0; i < out.data.length; i++) {
    const o = out.data[i];
    if (o === 0) continue;
    kept++;
    if (!(Math.abs(o - x[i] / p) <= 1e-12 * Math.abs(x[i] / p))) {
      throw new Error(`train mode: out[${i}] is ${o}, neither 0 nor x / p = ${x[i] / p}`);
    }
  }
  expectNumber('train mode: fraction kept', kept / out.data.length, p, 0.01);
  const inputMean = x.reduce((a, b) => a + b, 0) / x.length;
  const mean = out.data.reduce((a, b) => a + b, 0) / out.data.length;
  expectNumber('train mode: mean of the output', mean, inputMean, 0.02 * inputMean);
  if (r.mask !== null) {
    const m = asArray('the cached mask', r.mask);
    if (m.data.length !== out.data.length) {
      throw new Error(`the cached mask has ${m.data.length} entries, expected ${out.data.length}`);
    }
    const bad = m.data.findIndex((v, i) => v !== 0 && v !== 1 / p && out.data[i] !== x[i] * v);
    if (bad >= 0) throw new Error(`the cached mask[${bad}] is ${m.data[bad]}, not 0 or 1 / p`);
  }
  expectArray('test mode: out (the input)', r.test, { shape: SMALL, data: small }, 0);
  const [a, b, c] = (['seed123', 'seed123again', 'seed124'] as const).map((k) => {
    return expectShape(`seeded output (${k})`, r[k], SMALL);
  });
  if (!sameValues(a, b)) throw new Error('seed 123 twice: not the same output');
  if (sameValues(a, c)) {
    throw new Error('seeds 123 and 124 give the same mask: the seed is not used');
  }
}

/** Judges one backward case against the mask of the student's own forward pass. */
function judgeBackward(got: Wire, c: BackwardAnswer): void {
  const r = asRecord('result', got);
  if (r.mask === null) {
    throw new Error(
      "the forward pass's cache holds no mask: expected the documented [dropoutParam, mask]",
    );
  }
  const mask = asArray('the cached mask', r.mask);
  if (mask.shape.join(',') !== c.x.shape.join(',')) {
    throw new Error(
      `the cached mask: shape (${mask.shape.join(', ')}), expected (${c.x.shape.join(', ')})`,
    );
  }
  const bad = mask.data.findIndex((v) => v !== 0 && !(Math.abs(v * c.p - 1) <= 1e-12));
  if (bad >= 0) {
    throw new Error(
      `the cached mask[${bad}] is ${mask.data[bad]}: the documented mask holds 0 or 1 / p = ${1 / c.p}`,
    );
  }
  const times = (a: number[]): FixtureArray => ({
    shape: c.x.shape,
    data: a.map((v, i) => v * mask.data[i]),
  });
  expectArray('train mode: out (x * mask)', r.out, times(c.x.data), 1e-12);
  expectArray('train mode: dx (dout * mask of the forward pass)', r.dx, times(c.dout.data), 1e-12);
  expectArray('test mode: dx (dout)', r.dxTest, c.dout, 0);
}

/** Judges one dropout net at a keep ratio below 1 against its no-dropout answer. */
function judgeDropoutNet(got: Wire, c: NetAnswer): void {
  const r = asRecord('result', got);
  expectArray('scores at test time (no dropout)', r.scores, c.scores, 1e-8);
  const loss = r.loss;
  if (typeof loss !== 'number' || !Number.isFinite(loss)) {
    throw new Error(`the training loss is ${String(loss)}, expected a finite number`);
  }
  if (!(Math.abs(loss - c.loss) > 1e-9)) {
    throw new Error(`the training loss ${loss} is the loss without dropout: no mask applied`);
  }
  const grads = r.grads === null ? {} : asRecord('grads', r.grads);
  const plus = asRecord('losses at x + h', r.plus);
  const minus = asRecord('losses at x - h', r.minus);
  for (const name of Object.keys(c.grads).sort()) {
    const analytic = expectShape(`grads.${name}`, grads[name], c.grads[name].shape).data;
    const up = plus[name];
    const down = minus[name];
    if (
      !(up instanceof Float64Array) ||
      !(down instanceof Float64Array) ||
      up.length !== analytic.length ||
      down.length !== analytic.length
    ) {
      throw new Error(`the losses at perturbed points of ${name} are missing`);
    }
    const numeric = up.map((u, i) => (u - down[i]) / 2e-5);
    // The perturbed losses belong to this net: their mean is the loss, up to the curvature.
    const off = up.findIndex(
      (u, i) => !(Math.abs((u + down[i]) / 2 - loss) <= 1e-4 * Math.max(1, Math.abs(loss))),
    );
    if (off >= 0) {
      throw new Error(
        `the losses at ${name}[${off}] +- h do not surround the training loss ${loss}: the mask is not fixed by the seed`,
      );
    }
    const err = relError(numeric, analytic);
    if (!(err <= 1e-5)) {
      throw new Error(
        `grads.${name}: relative error ${err.toExponential(2)} against centred differences (mask fixed by the seed), expected <= 1e-5`,
      );
    }
  }
}

/** The keep ratios the net part runs at with dropout (keep ratio 1 is judged on the answers). */
const NET_KEEPS = [0.75, 0.5];

export const dropout: Exercise = {
  name: 'dropout',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      kind: 'library',
      id: 'dropout:forward',
      title: 'dropoutForward (train and test mode)',
      points: 10,
      file: DROPOUT,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const { dropoutForward } = layer(ctx);
        const t = fixtureTensors(ctx);
        const big = () => t({ shape: BIG, data: Array.from(dropoutInput(BIG)) });
        const small = () => t({ shape: SMALL, data: Array.from(dropoutInput(SMALL)) });
        const cases = FORWARD_PS.map((p) => ({ name: `${BIG.join(' x ')} input, p ${p}`, p }));
        return mapCases(cases, ({ p }) => {
          const [out, cache] = dropoutForward(big(), { mode: 'train', p });
          const mask = Array.isArray(cache) ? cache[1] : null;
          const seeded = (seed: number) =>
            wireArray(dropoutForward(small(), { mode: 'train', p, seed })[0], 'out');
          return {
            out: wireArray(out, 'out'),
            mask: wireArrayOrNull(mask, 'the cached mask'),
            test: wireArray(dropoutForward(small(), { mode: 'test', p })[0], 'test mode: out'),
            seed123: seeded(123),
            seed123again: seeded(123),
            seed124: seeded(124),
          };
        });
      },
      judge(result) {
        const cases = FORWARD_PS.map((p) => ({ name: `${BIG.join(' x ')} input, p ${p}`, p }));
        return judgeCases(result, cases, (got, c) => judgeForward(c.p, got));
      },
    },
    {
      kind: 'library',
      id: 'dropout:backward',
      title: "dropoutBackward (on the cache of the student's own forward pass)",
      points: 5,
      file: DROPOUT,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const t = fixtureTensors(ctx);
        const { dropoutForward, dropoutBackward } = layer(ctx);
        return mapCases(ctx.input<Inputs>(FIXTURE).backward, (c) => {
          const [out, cache] = dropoutForward(t(c.x), { mode: 'train', p: c.p, seed: c.seed });
          const mask = Array.isArray(cache) ? cache[1] : null;
          const dx = dropoutBackward(t(c.dout), cache);
          const [, testCache] = dropoutForward(t(c.x), { mode: 'test', p: c.p });
          const dxTest = dropoutBackward(t(c.dout), testCache);
          return {
            out: wireArray(out, 'out'),
            mask: wireArrayOrNull(mask, 'the cached mask'),
            dx: wireArray(dx, 'dx'),
            dxTest: wireArray(dxTest, 'dx (test mode)'),
          };
        });
      },
      judge(result, answers) {
        return judgeCases(result, answers.answer<Answers>(FIXTURE).backward, judgeBackward);
      },
    },
    {
      kind: 'library',
      id: 'dropout:net',
      title: 'FullyConnectedNet with dropout',
      points: 10,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const t = fixtureTensors(ctx);
        return mapCases(ctx.input<Inputs>(FIXTURE).net, (c) => {
          const noDropout = netCaseResult(ctx, caseNet(ctx, c, { keep: 1 }), c);
          const withDropout = NET_KEEPS.map((keep) => {
            const net = caseNet(ctx, c, { keep, seed: 123 });
            const X = t(c.X);
            const y = caseLabels(c);
            const scores = wireArray(net.loss(X), 'scores at test time');
            const [loss, grads] = net.loss(X, y);
            const plus: { [k: string]: Wire } = {};
            const minus: { [k: string]: Wire } = {};
            for (const name of Object.keys(c.params).sort()) {
              const p = net.params[name] as NdLike & { data: Float64Array };
              const l = perturbedLosses(() => net.loss(X, y)[0], p);
              plus[name] = l.plus;
              minus[name] = l.minus;
            }
            return { scores, loss: wireNumber(loss), grads: wireParams(grads), plus, minus };
          });
          return { noDropout, withDropout };
        });
      },
      judge(result, answers) {
        const nets = answers.answer<Answers>(FIXTURE).net;
        const checks = nets.flatMap((c, i) => [
          { name: `${c.name}, keep ratio 1 (no dropout layers)`, net: i, keep: 1, answer: c },
          ...NET_KEEPS.map((keep) => ({
            name: `${c.name}, keep ratio ${keep}, seed 123`,
            net: i,
            keep,
            answer: c,
          })),
        ]);
        const perNet = asList('results', result, nets.length).map((r, i) =>
          asRecord(`net ${i}`, r),
        );
        const flatResults = perNet.flatMap((r) => [
          r.noDropout,
          ...asList('keep ratios', r.withDropout, NET_KEEPS.length),
        ]);
        return judgeCases(flatResults, checks, (got, k) =>
          k.keep === 1 ? expectNetCase(got, k.answer) : judgeDropoutNet(got, k.answer),
        );
      },
    },
    ...[1, 2].map((k) =>
      answerPart({
        id: `dropout:inline_question_${k}`,
        title: `inline question ${k} answered`,
        points: 5,
        notebook: NOTEBOOK,
        k,
      }),
    ),
  ],
};
