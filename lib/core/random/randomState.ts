/**
 * numpy's legacy `RandomState` distributions over the MT19937 generator: `rand`, `randn`,
 * `randint`, `choice`, `permutation` and `shuffle` draw exactly the words numpy draws and turn them
 * into the same values.
 *
 * One caveat, documented on {@link correctlyRoundedLog}: numpy's Gaussian calls the C library's
 * `log`, which on glibc is misrounded by one ulp for about 6 in 10,000 inputs. This module uses a
 * correctly rounded logarithm instead (JavaScript's `Math.log` is far less accurate), so a Gaussian
 * pair can differ from numpy's by one ulp in those rare cases; every other value is bit-identical.
 */
import { formatShape, isNdArray, shapeSize, type Tensor, tensor } from '../tensor';
import { checkDims, checkInteger, checkSeedWord, checkSize } from './checks';
import { correctlyRoundedLog } from './log';
import { MT19937, STATE_LEN } from './mt19937';
import { boundedUint, randomInterval, swapRows } from './sampling';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The full generator state, as `np.random.get_state()` returns it (MT19937 key, position, Gaussian cache). */
export interface RandomStateSnapshot {
  /** The 624 MT19937 state words. */
  key: Uint32Array;
  /** Position in `key` of the next word to temper (624 = regenerate first). */
  pos: number;
  /** Whether a second Gaussian from the last polar draw is cached. */
  hasGauss: boolean;
  /** The cached Gaussian (0 when none). */
  gauss: number;
}

/** A size argument as numpy takes it: an integer or a shape. */
export type Size = number | readonly number[];

/**
 * numpy's legacy random generator (`np.random.RandomState`): MT19937 with numpy's seeding and
 * numpy's algorithms for each distribution.
 *
 * @example
 * const rng = new RandomState(231);
 * const x = rng.randn(10, 2, 3); // Tensor of shape (10, 2, 3), same values as numpy
 */
export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = false;
  private gauss = 0;

  /**
   * @param seed an integer in [0, 2**32 - 1] or a non-empty array of them, as for
   *   {@link RandomState.seed}; omitted: seeded from the operating system's entropy
   */
  constructor(seed?: number | ArrayLike<number>) {
    this.seed(seed);
  }

  /**
   * Reseeds exactly as `np.random.seed(seed)`: an integer goes through MT19937's `init_genrand`,
   * an array through `init_by_array`; the cached Gaussian is dropped.
   *
   * @param seed an integer in [0, 2**32 - 1], or a non-empty array of such integers; omitted or
   *   null: fresh entropy from the operating system (not reproducible)
   * @throws RangeError / TypeError naming `seed` when it is not such a value
   */
  seed(seed?: number | ArrayLike<number> | null): void {
    if (seed === undefined || seed === null) {
      this.mt.seedFromEntropy();
    } else if (typeof seed === 'number') {
      checkSeedWord(seed, 'seed');
      this.mt.seedInt(seed);
    } else if (Array.isArray(seed) || ArrayBuffer.isView(seed)) {
      const arr = seed as ArrayLike<number>;
      if (arr.length === 0) {
        throw new RangeError('RandomState.seed: seed must be a non-empty array, got an empty one');
      }
      const words = new Uint32Array(arr.length);
      for (let i = 0; i < arr.length; i++) {
        checkSeedWord(arr[i], `seed[${i}]`);
        words[i] = arr[i];
      }
      this.mt.seedArray(words);
    } else {
      throw new TypeError(
        `RandomState.seed: seed must be an integer in [0, 2**32 - 1] or an array of them, got ${typeof seed}`,
      );
    }
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** A copy of the full generator state (restore it with {@link RandomState.setState}). */
  getState(): RandomStateSnapshot {
    return {
      key: this.mt.key.slice(),
      pos: this.mt.pos,
      hasGauss: this.hasGauss,
      gauss: this.gauss,
    };
  }

  /**
   * Restores a state taken with {@link RandomState.getState}.
   *
   * @throws RangeError naming `state` when the key is not 624 words or `pos` is outside [0, 624]
   */
  setState(state: RandomStateSnapshot): void {
    if (!state || state.key?.length !== STATE_LEN) {
      throw new RangeError(`RandomState.setState: state.key must hold ${STATE_LEN} words`);
    }
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > STATE_LEN) {
      throw new RangeError(
        `RandomState.setState: state.pos must be an integer in [0, ${STATE_LEN}], got ${state.pos}`,
      );
    }
    this.mt.key.set(state.key);
    this.mt.pos = state.pos;
    this.hasGauss = Boolean(state.hasGauss);
    this.gauss = state.hasGauss ? state.gauss : 0;
  }

  /** Next raw 32-bit output of MT19937 (numpy's `next_uint32`), as an unsigned number. */
  nextUint32(): number {
    return this.mt.next32();
  }

  /** Next uniform double in [0, 1) from two 32-bit draws (numpy's 53-bit `next_double`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Next standard normal value: numpy's legacy polar (Marsaglia) method with its cached pair. */
  nextGauss(): number {
    if (this.hasGauss) {
      const cached = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * correctlyRoundedLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * Uniform samples in [0, 1), like `np.random.rand(d0, d1, ...)`.
   *
   * @param shape the dimensions (non-negative integers); none: a single number
   * @returns a number for `rand()`, else a Tensor of shape `(d0, d1, ...)` filled in C order
   * @throws RangeError naming `rand` and the bad dimension
   */
  rand(): number;
  rand(...shape: number[]): Tensor;
  rand(...shape: number[]): number | Tensor {
    if (shape.length === 0) return this.nextDouble();
    return this.fill('rand', checkDims('rand', shape), () => this.nextDouble());
  }

  /**
   * Standard normal samples, like `np.random.randn(d0, d1, ...)` (legacy polar method, with the
   * second value of each pair cached for the next call, exactly as numpy).
   *
   * @param shape the dimensions (non-negative integers); none: a single number
   * @returns a number for `randn()`, else a Tensor of shape `(d0, d1, ...)` filled in C order
   * @throws RangeError naming `randn` and the bad dimension
   */
  randn(): number;
  randn(...shape: number[]): Tensor;
  randn(...shape: number[]): number | Tensor {
    if (shape.length === 0) return this.nextGauss();
    return this.fill('randn', checkDims('randn', shape), () => this.nextGauss());
  }

  /**
   * Uniform integers in [low, high), like `np.random.randint(low, high, size)` with the default
   * int dtype: numpy's masked rejection sampling (32-bit draws for ranges below 2**32, 64-bit draws
   * above), so the values and the number of draws consumed match numpy.
   *
   * @param low lowest value (inclusive); with `high` omitted, the exclusive upper bound and low = 0
   * @param high exclusive upper bound, or omitted/null
   * @param size omitted: one number (any safe-integer range); an integer or a shape: an
   *   `Int32Array` of `prod(size)` values in C order (the range must then fit in int32)
   * @throws RangeError naming `randint` and the argument when bounds are not integers,
   *   high <= low, or the range does not fit the result type
   */
  randint(low: number, high?: number | null): number;
  randint(low: number, high: number | null | undefined, size: Size): Int32Array;
  randint(low: number, high?: number | null, size?: Size | null): number | Int32Array {
    const fn = 'randint';
    checkInteger(fn, 'low', low);
    if (high === undefined || high === null) {
      if (low <= 0) {
        throw new RangeError(
          `${fn}: with high omitted, low is the exclusive upper bound and must be >= 1, got ${low}`,
        );
      }
      high = low;
      low = 0;
    } else {
      checkInteger(fn, 'high', high);
      if (high <= low) {
        throw new RangeError(`${fn}: high (${high}) must be greater than low (${low})`);
      }
    }
    const rng = high - 1 - low;
    if (size === undefined || size === null) {
      if (rng > Number.MAX_SAFE_INTEGER) {
        throw new RangeError(
          `${fn}: the range [${low}, ${high}) is wider than 2**53 - 1, which a number cannot hold exactly`,
        );
      }
      return low + boundedUint(this.mt, rng);
    }
    const shape = checkSize(fn, size);
    if (low < INT32_MIN || high - 1 > INT32_MAX) {
      throw new RangeError(
        `${fn}: with size, values are returned in an Int32Array, but [${low}, ${high}) does not fit in int32`,
      );
    }
    const n = shapeSize(shape);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + boundedUint(this.mt, rng);
    return out;
  }

  /**
   * Random samples from a population, like `np.random.choice(a, size, replace)` (uniform
   * probabilities). With replacement the indices come from `randint(0, a)`; without, from
   * `permutation(a)` cut to the first `prod(size)` entries, exactly as legacy numpy.
   *
   * @param a an integer (sample from `0..a-1`) or a 1-D population (plain or typed array)
   * @param size omitted: one sample; an integer or a shape: `prod(size)` samples in C order
   * @param replace sample with replacement (default true)
   * @returns for integer `a`: a number or an `Int32Array`; for an array: one element, or an array
   *   of the same kind (plain array or the same typed array) with the samples
   * @throws RangeError naming `choice` and `a` / `size` for an empty population, a non-integer or
   *   non-positive `a`, or (without replacement) more samples than the population
   */
  choice(a: number, size?: null): number;
  choice(a: number, size: Size, replace?: boolean): Int32Array;
  choice(a: number, size?: Size | null, replace?: boolean): number | Int32Array;
  choice<T>(a: readonly T[], size?: null, replace?: boolean): T;
  choice<T>(a: readonly T[], size: Size, replace?: boolean): T[];
  choice<A extends TypedArray>(a: A, size?: null, replace?: boolean): number;
  choice<A extends TypedArray>(a: A, size: Size, replace?: boolean): A;
  choice(a: number | ArrayLike<unknown>, size?: Size | null, replace = true): unknown {
    const fn = 'choice';
    const shape = size === undefined || size === null ? null : checkSize(fn, size);
    const count = shape === null ? 1 : shapeSize(shape);
    let popSize: number;
    if (typeof a === 'number') {
      if (!Number.isInteger(a) || a > INT32_MAX) {
        throw new RangeError(`${fn}: a must be an integer population size below 2**31, got ${a}`);
      }
      if (a <= 0 && count !== 0) {
        throw new RangeError(
          `${fn}: a must be greater than 0 unless no samples are taken, got ${a}`,
        );
      }
      popSize = a;
    } else if (Array.isArray(a) || ArrayBuffer.isView(a)) {
      popSize = (a as ArrayLike<unknown>).length;
      if (popSize === 0 && count !== 0) {
        throw new RangeError(`${fn}: a cannot be empty unless no samples are taken`);
      }
    } else {
      throw new TypeError(
        `${fn}: a must be an integer or a 1-dimensional array, got ${isNdArray(a) ? 'an ndarray' : typeof a}`,
      );
    }
    if (typeof replace !== 'boolean') {
      throw new TypeError(`${fn}: replace must be a boolean, got ${typeof replace}`);
    }
    let idx: Int32Array;
    if (replace) {
      if (shape === null) {
        const i = this.randint(0, popSize);
        return typeof a === 'number' ? i : (a as ArrayLike<unknown>)[i];
      }
      idx = count === 0 ? new Int32Array(0) : this.randint(0, popSize, count);
    } else {
      if (count > popSize) {
        throw new RangeError(
          `${fn}: cannot take a larger sample (${count}${shape ? `, size ${formatShape(shape)}` : ''}) than the population (${popSize}) when replace=false`,
        );
      }
      idx = this.permutation(popSize).slice(0, count);
      if (shape === null) {
        return typeof a === 'number' ? idx[0] : (a as ArrayLike<unknown>)[idx[0]];
      }
    }
    if (typeof a === 'number') return idx;
    if (Array.isArray(a)) return Array.from(idx, (i) => a[i]);
    const typed = a as TypedArray;
    const out = new (typed.constructor as { new (n: number): TypedArray })(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = typed[idx[i]];
    return out;
  }

  /**
   * A random permutation, like `np.random.permutation(x)`.
   *
   * @param x an integer n (permute `0..n-1`), or a 1-D plain/typed array (a shuffled copy)
   * @returns an `Int32Array` for integer `x`, else a shuffled copy of the same kind as `x`
   * @throws RangeError naming `permutation` and `x` for a negative or non-integer n
   */
  permutation(x: number): Int32Array;
  permutation<T>(x: readonly T[]): T[];
  permutation<A extends TypedArray>(x: A): A;
  permutation(x: number | ArrayLike<unknown>): unknown {
    if (typeof x === 'number') {
      if (!Number.isInteger(x) || x < 0 || x > INT32_MAX) {
        throw new RangeError(
          `permutation: x must be a non-negative integer below 2**31 or an array, got ${x}`,
        );
      }
      const arr = new Int32Array(x);
      for (let i = 0; i < x; i++) arr[i] = i;
      this.shuffle(arr);
      return arr;
    }
    if (Array.isArray(x)) {
      const copy = x.slice();
      this.shuffle(copy);
      return copy;
    }
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      const copy = (x as TypedArray).slice();
      this.shuffle(copy);
      return copy;
    }
    throw new TypeError(
      `permutation: x must be an integer or a 1-dimensional array, got ${typeof x}`,
    );
  }

  /**
   * Shuffles in place, like `np.random.shuffle(x)`: Fisher-Yates from the end, each swap index
   * drawn with numpy's `random_interval`. An ndarray is shuffled along its first axis.
   *
   * @param x a plain or typed array, or an ndarray (rows of shape (d1, ..., dk) are moved)
   * @throws TypeError naming `shuffle` and `x` for anything else
   */
  shuffle(x: unknown[] | TypedArray | Tensor): void {
    if (isNdArray(x)) {
      const nd = x as Tensor;
      const n = nd.shape[0] ?? 0;
      if (nd.shape.length === 0 || shapeSize(nd.shape) === 0) return;
      const rowShape = nd.shape.slice(1);
      for (let i = n - 1; i > 0; i--) {
        const j = randomInterval(this.mt, i);
        if (j !== i) swapRows(nd, i, j, rowShape);
      }
      return;
    }
    if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
      throw new TypeError(
        `shuffle: x must be an array, a typed array or an ndarray, got ${typeof x}`,
      );
    }
    const arr = x as unknown[];
    for (let i = arr.length - 1; i > 0; i--) {
      const j = randomInterval(this.mt, i);
      const tmp = arr[j];
      arr[j] = arr[i];
      arr[i] = tmp;
    }
  }

  private fill(fn: string, shape: number[], draw: () => number): Tensor {
    const n = shapeSize(shape);
    if (n > 2 ** 31 - 1) {
      throw new RangeError(`${fn}: shape ${formatShape(shape)} has too many elements (${n})`);
    }
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = draw();
    return tensor(shape, data);
  }
}

/** Any JavaScript typed array holding numbers. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;
