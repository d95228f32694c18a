/**
 * A seeded random generator that reproduces numpy's legacy `np.random` (`RandomState`, MT19937)
 * draw for draw: the same seed gives the same `rand`, `randn`, `randint`, `choice` and
 * `permutation` values as numpy.
 *
 * One caveat, documented on {@link correctlyRoundedLog}: numpy's Gaussian calls the C library's
 * `log`, which on glibc is misrounded by one ulp for about 6 in 10,000 inputs. This module uses a
 * correctly rounded logarithm instead (JavaScript's `Math.log` is far less accurate), so a Gaussian
 * pair can differ from numpy's by one ulp in those rare cases; every other value is bit-identical.
 */
import { randomFillSync } from 'node:crypto';
import { formatShape, isNdArray, shapeSize, type Tensor, tensor } from './tensor';

const STATE_LEN = 624;
const SHIFT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;
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
  private readonly key = new Uint32Array(STATE_LEN);
  private pos = STATE_LEN;
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
      const words = new Uint32Array(STATE_LEN);
      randomFillSync(words);
      initByArray(this.key, words);
    } else if (typeof seed === 'number') {
      checkSeedWord(seed, 'seed');
      initGenrand(this.key, seed);
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
      initByArray(this.key, words);
    } else {
      throw new TypeError(
        `RandomState.seed: seed must be an integer in [0, 2**32 - 1] or an array of them, got ${typeof seed}`,
      );
    }
    this.pos = STATE_LEN;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** A copy of the full generator state (restore it with {@link RandomState.setState}). */
  getState(): RandomStateSnapshot {
    return { key: this.key.slice(), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
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
    this.key.set(state.key);
    this.pos = state.pos;
    this.hasGauss = Boolean(state.hasGauss);
    this.gauss = state.hasGauss ? state.gauss : 0;
  }

  /** Next raw 32-bit output of MT19937 (numpy's `next_uint32`), as an unsigned number. */
  nextUint32(): number {
    if (this.pos === STATE_LEN) {
      regenerate(this.key);
      this.pos = 0;
    }
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
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
   * Uniform samples in [0, 1), like `np.random.random_sample(size)`.
   *
   * @param size an integer or a shape; omitted: a single number
   * @returns a number, or a Tensor of shape `size`
   * @throws RangeError naming `randomSample` and `size`
   */
  randomSample(): number;
  randomSample(size: Size): Tensor;
  randomSample(size?: Size | null): number | Tensor {
    if (size === undefined || size === null) return this.nextDouble();
    return this.fill('randomSample', checkSize('randomSample', size), () => this.nextDouble());
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
   * Standard normal samples, like `np.random.standard_normal(size)`.
   *
   * @param size an integer or a shape; omitted: a single number
   * @returns a number, or a Tensor of shape `size`
   * @throws RangeError naming `standardNormal` and `size`
   */
  standardNormal(): number;
  standardNormal(size: Size): Tensor;
  standardNormal(size?: Size | null): number | Tensor {
    if (size === undefined || size === null) return this.nextGauss();
    return this.fill('standardNormal', checkSize('standardNormal', size), () => this.nextGauss());
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
      return low + this.boundedUint(rng);
    }
    const shape = checkSize(fn, size);
    if (low < INT32_MIN || high - 1 > INT32_MAX) {
      throw new RangeError(
        `${fn}: with size, values are returned in an Int32Array, but [${low}, ${high}) does not fit in int32`,
      );
    }
    const n = shapeSize(shape);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + this.boundedUint(rng);
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
        const j = this.randomInterval(i);
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
      const j = this.randomInterval(i);
      const tmp = arr[j];
      arr[j] = arr[i];
      arr[i] = tmp;
    }
  }

  /** numpy's `random_interval(max)`: a uniform integer in [0, max] by masked rejection. */
  private randomInterval(max: number): number {
    if (max === 0) return 0;
    const mask = maskFor32(max);
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * numpy's `random_bounded_uint64_fill` for one value with use_masked: a uniform integer in
   * [0, rng] (rng < 2**53 here).
   */
  private boundedUint(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.nextUint32();
      const mask = maskFor32(rng);
      let value: number;
      do {
        value = (this.nextUint32() & mask) >>> 0;
      } while (value > rng);
      return value;
    }
    // 64-bit draws: next_uint64 = (first 32-bit draw << 32) | second draw, masked.
    const maskHi = maskFor32(Math.floor(rng / TWO_32));
    let value: number;
    do {
      const hi = (this.nextUint32() & maskHi) >>> 0;
      const lo = this.nextUint32();
      value = hi * TWO_32 + lo;
    } while (value > rng);
    return value;
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

/**
 * The module-wide default generator, like `np.random`: `random.seed(231); random.randn(10, 5)`.
 * Seeded from operating-system entropy until {@link RandomState.seed} is called.
 */
export const random = new RandomState();

// ---------------------------------------------------------------------------------------------
// MT19937 core

function checkSeedWord(v: number, arg: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(
      `RandomState.seed: ${arg} must be an integer between 0 and 2**32 - 1, got ${String(v)}`,
    );
  }
}

/** MT19937 `init_genrand` (numpy's `mt19937_seed`). */
function initGenrand(key: Uint32Array, seed: number): void {
  let s = seed >>> 0;
  for (let pos = 0; pos < STATE_LEN; pos++) {
    key[pos] = s;
    s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + pos + 1) >>> 0;
  }
}

/** MT19937 `init_by_array` (numpy's `mt19937_init_by_array`). */
function initByArray(mt: Uint32Array, initKey: Uint32Array): void {
  const keyLength = initKey.length;
  initGenrand(mt, 19650218);
  let i = 1;
  let j = 0;
  for (let k = Math.max(STATE_LEN, keyLength); k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) >>> 0) + initKey[j] + j;
    i++;
    j++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1];
      i = 1;
    }
    if (j >= keyLength) j = 0;
  }
  for (let k = STATE_LEN - 1; k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) >>> 0) - i;
    i++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000;
}

/** MT19937 state regeneration (numpy's `mt19937_gen`). */
function regenerate(key: Uint32Array): void {
  let y: number;
  let i = 0;
  for (; i < STATE_LEN - SHIFT_M; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + SHIFT_M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (; i < STATE_LEN - 1; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + (SHIFT_M - STATE_LEN)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  y = (key[STATE_LEN - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
  key[STATE_LEN - 1] = key[SHIFT_M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}

/** Smallest all-ones bit mask >= v, for 0 < v < 2**32 (returned as a signed 32-bit pattern). */
function maskFor32(v: number): number {
  let mask = v >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask;
}

function swapRows(x: Tensor, i: number, j: number, rowShape: number[]): void {
  const n = shapeSize(rowShape);
  const d = rowShape.length;
  const idx = new Array<number>(d).fill(0);
  for (let e = 0; e < n; e++) {
    let off = x.offset;
    for (let k = 0; k < d; k++) off += idx[k] * x.stride[k + 1];
    const pi = off + i * x.stride[0];
    const pj = off + j * x.stride[0];
    const tmp = x.data[pi];
    x.data[pi] = x.data[pj];
    x.data[pj] = tmp;
    for (let k = d - 1; k >= 0; k--) {
      if (++idx[k] < rowShape[k]) break;
      idx[k] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Argument checks

function checkInteger(fn: string, arg: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new RangeError(`${fn}: ${arg} must be a (safe) integer, got ${String(v)}`);
  }
}

function checkDims(fn: string, dims: readonly unknown[]): number[] {
  dims.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${fn}: dimension ${k} must be a non-negative integer, got ${String(d)} (in (${dims.map(String).join(', ')}))`,
      );
    }
  });
  return dims.slice() as number[];
}

function checkSize(fn: string, size: unknown): number[] {
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`${fn}: size must be a non-negative integer or a shape, got ${size}`);
    }
    return [size];
  }
  if (!Array.isArray(size)) {
    throw new TypeError(
      `${fn}: size must be a non-negative integer or a shape, got ${typeof size}`,
    );
  }
  size.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${fn}: size[${k}] must be a non-negative integer, got ${String(d)} (size ${formatShape(size.map(Number))})`,
      );
    }
  });
  return size.slice() as number[];
}

// ---------------------------------------------------------------------------------------------
// Correctly rounded natural logarithm (double-double arithmetic)

const SPLITTER = 134217729; // 2**27 + 1
let ddLo = 0; // low part returned by the two* helpers below

/** a + b = result + ddLo exactly. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  ddLo = a - (s - bb) + (b - bb);
  return s;
}

/** a * b = result + ddLo exactly (Dekker's product; no overflow for the magnitudes used here). */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  ddLo = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

type DD = [number, number];

function ddNorm(hi: number, lo: number): DD {
  const s = hi + lo;
  return [s, lo - (s - hi)];
}

function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  return ddNorm(s, ddLo + a[1] + b[1]);
}

function ddMul(a: DD, b: DD): DD {
  const p = twoProd(a[0], b[0]);
  return ddNorm(p, ddLo + a[0] * b[1] + a[1] * b[0]);
}

function ddDivNum(a: DD, d: number): DD {
  const q = a[0] / d;
  const p = twoProd(q, d);
  const r = (a[0] - p - ddLo + a[1]) / d;
  return ddNorm(q, r);
}

/** 2 * atanh(num / den) in double-double, for small integers num, den with |num / den| < 1/2. */
function twoAtanhRatio(num: number, den: number): DD {
  const s = ddDivNum([num, 0], den);
  const s2 = ddMul(s, s);
  let power = s;
  let sum = s;
  for (let k = 3; k < 200; k += 2) {
    power = ddMul(power, s2);
    const term = ddDivNum(power, k);
    sum = ddAdd(sum, term);
    if (Math.abs(term[0]) < Math.abs(sum[0]) * 2 ** -115) break;
  }
  return [2 * sum[0], 2 * sum[1]];
}

const LN2 = twoAtanhRatio(1, 3); // ln 2 = 2 atanh(1/3)
const TABLE_FIRST = 90;
const TABLE_LAST = 182;
/** log(j / 128) in double-double for j in [TABLE_FIRST, TABLE_LAST]: [hi0, lo0, hi1, lo1, ...]. */
const LOG_TABLE = (() => {
  const t = new Float64Array(2 * (TABLE_LAST - TABLE_FIRST + 1));
  for (let j = TABLE_FIRST; j <= TABLE_LAST; j++) {
    const v = twoAtanhRatio(j - 128, j + 128);
    t[2 * (j - TABLE_FIRST)] = v[0];
    t[2 * (j - TABLE_FIRST) + 1] = v[1];
  }
  return t;
})();

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The natural logarithm, correctly rounded (round to nearest) for every positive double.
 *
 * numpy's legacy Gaussian uses the C library's `log`; glibc's is accurate to about 0.52 ulp and
 * matches the correctly rounded value except for roughly 6 inputs in 10,000, while V8's `Math.log`
 * differs for about 6 in 100. This function is what {@link RandomState.randn} uses, so its values
 * equal numpy's except where glibc itself rounds the wrong way.
 *
 * Method: x = 2^k m with m in [sqrt(1/2), sqrt(2)], c = round(128 m) / 128,
 * log x = k ln 2 + log c + 2 atanh((m - c) / (m + c)), evaluated in double-double arithmetic
 * (error far below 2^-90 relative) and rounded once at the end.
 *
 * @param x any number; non-positive, infinite and NaN inputs give what `Math.log` gives
 */
export function correctlyRoundedLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY) return Math.log(x);
  if (x === 1) return 0;
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2**54: make subnormals normal
    k = -54;
  }
  bits[0] = x;
  const hw = words[HIGH_WORD];
  k += (hw >>> 20) - 1023;
  words[HIGH_WORD] = (hw & 0x000fffff) | 0x3ff00000;
  let m = bits[0]; // in [1, 2)
  if (m > Math.SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const j = Math.round(m * 128);
  const c = j / 128;
  const d = m - c; // exact (Sterbenz)
  // s = d / (m + c) in double-double: q1 + q2
  const sh = twoSum(m, c);
  const sl = ddLo;
  const q1 = d / sh;
  const p = twoProd(q1, sh);
  const q2 = (d - p - ddLo - q1 * sl) / sh;
  // 2 atanh(s) = 2s + (2/3) s^3 + (2/5) s^5 + ...
  const a = twoProd(q1, q1);
  const aLo = ddLo + 2 * q1 * q2; // s^2 = a + aLo
  const b = twoProd(a, q1);
  const bLo = ddLo + a * q2 + aLo * q1; // s^3 = b + bLo
  const cubeHi = (2 * b) / 3; // (2/3) s^3 = cubeHi + cubeLo
  const pc = twoProd(cubeHi, 3);
  const cubeLo = (2 * b - pc - ddLo + 2 * bLo) / 3;
  const s2 = a;
  const tail =
    b * s2 * (2 / 5 + s2 * (2 / 7 + s2 * (2 / 9 + s2 * (2 / 11 + s2 * (2 / 13 + s2 * (2 / 15))))));
  // k ln2 + log c
  const kHi = twoProd(k, LN2[0]);
  const kLo = ddLo + k * LN2[1];
  const t = 2 * (j - TABLE_FIRST);
  const cHi = LOG_TABLE[t];
  const cLo = LOG_TABLE[t + 1];
  let hi = twoSum(kHi, cHi);
  let lo = ddLo;
  hi = twoSum(hi, 2 * q1);
  lo += ddLo;
  hi = twoSum(hi, cubeHi);
  lo += ddLo;
  lo += tail + cubeLo + 2 * q2 + cLo + kLo;
  return hi + lo;
}
