/**
 * Grading parts shared by the SVM and softmax exercises: a linear loss function (loss and
 * gradient with respect to W) checked case by case against a fixture, with the notebooks'
 * tolerances (the naive and vectorized losses agree to 1e-9 relative, the gradients to a relative
 * error of 1e-7, the level the notebooks' gradient checks reach).
 */
import {
  eachCase,
  expectArray,
  expectNumber,
  type FixtureArray,
  fixtureTensors,
  LIB_TIMEOUT_MS,
  type NdLike,
  type Part,
} from '../gradingKit';

/** One loss case of a fixture. */
export interface LinearLossCase {
  name: string;
  W: FixtureArray;
  X: FixtureArray;
  y: number[];
  reg: number;
  loss: number;
  dW: FixtureArray;
}

type LossFn = (W: NdLike, X: NdLike, y: Int32Array, reg: number) => [number, NdLike];

/**
 * A part grading one exported loss function of a library file.
 *
 * @param options id, title, points; `file` and `fn` name the function, `fixture` the fixture
 *   file whose `loss` cases it is checked on
 */
export function linearLossPart(options: {
  id: string;
  title: string;
  points: number;
  file: string;
  fn: string;
  fixture: string;
}): Part {
  return {
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.file,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const fx = ctx.fixture<{ loss: LinearLossCase[] }>(options.fixture);
      const t = fixtureTensors(ctx);
      const mod = ctx.load<Record<string, LossFn>>(options.file.replace(/\.ts$/, ''));
      const fn = mod[options.fn];
      if (typeof fn !== 'function') throw new Error(`${options.file} exports no ${options.fn}`);
      return eachCase(fx.loss, (c) => {
        const [loss, dW] = fn(t(c.W), t(c.X), Int32Array.from(c.y), c.reg);
        expectNumber('loss', loss, c.loss, 1e-9 * Math.max(1, Math.abs(c.loss)));
        expectArray('dW', dW, c.dW, 1e-7);
      });
    },
  };
}
