/**
 * Grading parts shared by the SVM and softmax exercises: a linear loss function (loss and
 * gradient with respect to W) computed on the inputs' cases and judged against the answers, with
 * the notebooks' tolerances (the naive and vectorized losses agree to 1e-9 relative, the gradients
 * to a relative error of 1e-7, the level the notebooks' gradient checks reach).
 */
import {
  asRecord,
  expectArray,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  judgeCases,
  LIB_TIMEOUT_MS,
  type LibraryPart,
  mapCases,
  type NdLike,
  wireArray,
  wireNumber,
} from '../gradingKit';

/** One loss case's inputs. */
export interface LinearLossInput {
  name: string;
  W: FixtureArray;
  X: FixtureArray;
  y: number[];
  reg: number;
}

/** One loss case's expected outputs. */
export interface LinearLossAnswer {
  name: string;
  loss: number;
  dW: FixtureArray;
}

type LossFn = (W: NdLike, X: NdLike, y: Int32Array, reg: number) => [number, NdLike];

/**
 * A part grading one exported loss function of a library file.
 *
 * @param options id, title, points; `file` and `fn` name the function, `fixture` the fixture
 *   whose `loss` cases it is graded on
 */
export function linearLossPart(options: {
  id: string;
  title: string;
  points: number;
  file: string;
  fn: string;
  fixture: string;
}): LibraryPart {
  return {
    kind: 'library',
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.file,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const { loss: cases } = ctx.input<{ loss: LinearLossInput[] }>(options.fixture);
      const t = fixtureTensors(ctx);
      const mod = ctx.load<Record<string, LossFn>>(options.file.replace(/\.ts$/, ''));
      const fn = mod[options.fn];
      if (typeof fn !== 'function') throw new Error(`${options.file} exports no ${options.fn}`);
      return mapCases(cases, (c) => {
        const [loss, dW] = fn(t(c.W), t(c.X), Int32Array.from(c.y), c.reg);
        return { loss: wireNumber(loss), dW: wireArray(dW, 'dW') };
      });
    },
    judge(result, answers) {
      const { loss: cases } = answers.answer<{ loss: LinearLossAnswer[] }>(options.fixture);
      return judgeCases(result, cases, (got, c) => {
        const r = asRecord('result', got);
        expectNumber('loss', r.loss, c.loss, 1e-9 * Math.max(1, Math.abs(c.loss)));
        expectArray('dW', r.dW, c.dW, 1e-7);
      });
    },
  };
}
