/**
 * Assignment 2's Dropout exercise (notebooks/assignment2/Dropout.ipynb): the dropout layer the
 * student writes in lib/layers/dropout.ts, its use in FullyConnectedNet (lib/classifiers/fcNet.ts), and
 * the notebook's two inline answers (its regularization experiment is given code).
 *
 * Which activations a mask drops depends on how the student draws it, so the forward pass and the
 * net are checked for what any correct inverted dropout does: the kept fraction and the mean of a
 * large input, kept values scaled by 1 / p, the identity at test time, the same mask again for the
 * same seed, and (for the net) gradients that match centred differences with the mask held fixed by
 * the seed, no dropout at a keep ratio of 1 or at test time. The backward pass gets given masks
 * (test/fixtures/grading/dropout.json, numpy, scripts/fixtures/make_assignment2_grading_fixtures.py).
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
  relError,
} from '../gradingKit';
import { caseLabels, caseNet, expectNetCase, FC_NET, type NetCase } from './fcNetCases';

const NOTEBOOK = 'notebooks/assignment2/Dropout.ipynb';
const DROPOUT = 'lib/layers/dropout.ts';

interface Fixtures {
  backward: { name: string; p: number; dout: FixtureArray; mask: FixtureArray; dx: FixtureArray }[];
  net: NetCase[];
}

type Param = { mode: 'train' | 'test'; p: number; seed?: number };
type Layer = {
  dropoutForward(x: NdLike, param: Param): [NdLike, [Param, NdLike | null]];
  dropoutBackward(dout: NdLike, cache: [Param, NdLike | null]): NdLike;
};
type Random = {
  seed(s: number): void;
  randn(...shape: number[]): NdLike & { data: Float64Array };
};

const fixtures = (ctx: GradeContext): Fixtures => ctx.fixture<Fixtures>('dropout');
const layer = (ctx: GradeContext): Layer => ctx.load<Layer>('lib/layers/dropout');

/** Centred differences of f over every entry of x (h = 1e-5), as the notebook's check. */
function numericalGradient(f: () => number, x: NdLike & { data: Float64Array }): Float64Array {
  const grad = new Float64Array(x.data.length);
  for (let i = 0; i < grad.length; i++) {
    const old = x.data[i];
    x.data[i] = old + 1e-5;
    const plus = f();
    x.data[i] = old - 1e-5;
    const minus = f();
    x.data[i] = old;
    grad[i] = (plus - minus) / 2e-5;
  }
  return grad;
}

export const dropout: Exercise = {
  name: 'dropout',
  assignment: 2,
  notebook: NOTEBOOK,
  parts: [
    {
      id: 'dropout:forward',
      title: 'dropoutForward (train and test mode)',
      points: 10,
      file: DROPOUT,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const { dropoutForward } = layer(ctx);
        const { random } = ctx.load<{ random: Random }>('lib/core/random');
        random.seed(231);
        const x = random.randn(500, 500);
        for (let i = 0; i < x.data.length; i++) x.data[i] += 10;
        const xs = flat(x);
        const inputMean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const cases = [0.25, 0.4, 0.7].map((p) => ({ name: `500 x 500 input, p ${p}`, p }));
        return eachCase(cases, ({ p }) => {
          const [out, cache] = dropoutForward(x, { mode: 'train', p });
          const o = flat(out);
          let kept = 0;
          for (let i = 0; i < o.length; i++) {
            if (o[i] === 0) continue;
            kept++;
            if (!(Math.abs(o[i] - xs[i] / p) <= 1e-12 * Math.abs(xs[i] / p))) {
              throw new Error(
                `train mode: out[${i}] is ${o[i]}, neither 0 nor x / p = ${xs[i] / p}`,
              );
            }
          }
          expectNumber('train mode: fraction kept', kept / o.length, p, 0.01);
          const mean = o.reduce((a, b) => a + b, 0) / o.length;
          expectNumber('train mode: mean of the output', mean, inputMean, 0.02 * inputMean);
          const mask = cache?.[1];
          if (mask) {
            const m = flat(mask);
            const bad = m.findIndex((v, i) => v !== 0 && v !== 1 / p && o[i] !== xs[i] * v);
            if (bad >= 0) throw new Error(`the cached mask[${bad}] is ${m[bad]}, not 0 or 1 / p`);
          }
          const [test] = dropoutForward(x, { mode: 'test', p });
          expectArray('test mode: out (the input)', test, { shape: x.shape, data: [...xs] }, 0);
          const [a] = dropoutForward(x, { mode: 'train', p, seed: 123 });
          const [b] = dropoutForward(x, { mode: 'train', p, seed: 123 });
          const [c] = dropoutForward(x, { mode: 'train', p, seed: 124 });
          expectArray(
            'seed 123 twice: the same output',
            b,
            { shape: x.shape, data: [...flat(a)] },
            0,
          );
          if (relError(flat(a), flat(c)) === 0) {
            throw new Error('seeds 123 and 124 give the same mask: the seed is not used');
          }
        });
      },
    },
    {
      id: 'dropout:backward',
      title: 'dropoutBackward',
      points: 5,
      file: DROPOUT,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const t = fixtureTensors(ctx);
        const { dropoutBackward } = layer(ctx);
        return eachCase(fixtures(ctx).backward, (c) => {
          const dx = dropoutBackward(t(c.dout), [{ mode: 'train', p: c.p }, t(c.mask)]);
          expectArray('dx (train mode)', dx, c.dx, 1e-12);
          const dxTest = dropoutBackward(t(c.dout), [{ mode: 'test', p: c.p }, null]);
          expectArray('dx (test mode: dout)', dxTest, c.dout, 0);
        });
      },
    },
    {
      id: 'dropout:net',
      title: 'FullyConnectedNet with dropout',
      points: 10,
      file: FC_NET,
      timeoutMs: LIB_TIMEOUT_MS,
      check(ctx) {
        const t = fixtureTensors(ctx);
        const checks: { name: string; run(): void }[] = [];
        for (const c of fixtures(ctx).net) {
          checks.push({
            name: `${c.name}, keep ratio 1 (no dropout layers)`,
            run: () => expectNetCase(ctx, caseNet(ctx, c, { keep: 1 }), c),
          });
          for (const keep of [0.75, 0.5]) {
            checks.push({
              name: `${c.name}, keep ratio ${keep}, seed 123`,
              run: () => {
                const net = caseNet(ctx, c, { keep, seed: 123 });
                const X = t(c.X);
                const y = caseLabels(c);
                expectArray('scores at test time (no dropout)', net.loss(X), c.scores, 1e-8);
                const [loss, grads] = net.loss(X, y);
                if (!(Math.abs(loss - c.loss) > 1e-9)) {
                  throw new Error(
                    `the training loss ${loss} is the loss without dropout: no mask applied`,
                  );
                }
                for (const name of Object.keys(c.grads).sort()) {
                  const p = net.params[name] as NdLike & { data: Float64Array };
                  const num = numericalGradient(() => net.loss(X, y)[0], p);
                  const err = relError(num, flat(grads?.[name]));
                  if (!(err <= 1e-5)) {
                    throw new Error(
                      `grads.${name}: relative error ${err.toExponential(2)} against centred differences (mask fixed by the seed), expected <= 1e-5`,
                    );
                  }
                }
              },
            });
          }
        }
        return eachCase(checks, (k) => k.run());
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
