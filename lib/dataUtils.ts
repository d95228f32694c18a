/**
 * Loading CIFAR-10 (mirrors the assignment's `cs231n/data_utils.py`).
 *
 * Reads the official *binary* version of the dataset: `data_batch_1.bin` ... `data_batch_5.bin`
 * and `test_batch.bin`, each exactly 10000 records of 3073 bytes (one label byte, then the 1024
 * red, 1024 green and 1024 blue values of a 32x32 image, each channel row-major).
 *
 * The Python code unpickles the same 3072 bytes per image, reshapes them to (3, 32, 32), transposes
 * to (32, 32, 3) and `get_CIFAR10_data` transposes back to (3, 32, 32). The records are already
 * channel-major, so here (N, 3, 32, 32) comes straight from the bytes: element `[n, c, i, j]` is
 * byte `1 + c*1024 + i*32 + j` of record n, exactly the value the Python code produces.
 *
 * Memory: batch files are read one at a time into one reusable 30 MB buffer and each record is
 * written straight into the Float64Array of the split it belongs to; the mean image is subtracted
 * in place. Peak memory is the returned arrays plus about 30 MB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ndarray, { type NdArray } from 'ndarray';
import { checkOptions } from './core/options';
import { LIB_DIR } from './core/runtime';
import { type Tensor, tensor } from './core/tensor';

/** Bytes per image: 3 channels of 32x32. */
export const CIFAR10_IMAGE_BYTES = 3072;
/** Bytes per record of a binary batch file: one label byte, then the image. */
export const CIFAR10_RECORD_BYTES = 3073;
/** Records per binary batch file (training and test alike). */
export const CIFAR10_RECORDS_PER_FILE = 10000;
/** Exact size of every binary batch file: 10000 records of 3073 bytes. */
export const CIFAR10_BATCH_FILE_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_RECORDS_PER_FILE;
/** The training batch files, in order. */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map(
  (b) => `data_batch_${b}.bin`,
);
/** The test batch file. */
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** All batch files `loadCIFAR10` needs. */
export const CIFAR10_FILES: readonly string[] = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
const NUM_TRAIN = CIFAR10_TRAIN_FILES.length * CIFAR10_RECORDS_PER_FILE;
const NUM_TEST = CIFAR10_RECORDS_PER_FILE;
const IMAGE_SHAPE = [3, 32, 32] as const;

/** Images and labels of one split: X (N, 3, 32, 32) float64, y (N,) int32. */
interface Split {
  X: Float64Array;
  y: Int32Array;
}

/** The full dataset as `loadCIFAR10` returns it. */
export interface CIFAR10 {
  /** Training images, (50000, 3, 32, 32), values 0..255. */
  Xtr: Tensor;
  /** Training labels, (50000,), values 0..9. */
  Ytr: NdArray<Int32Array>;
  /** Test images, (10000, 3, 32, 32), values 0..255. */
  Xte: Tensor;
  /** Test labels, (10000,), values 0..9. */
  Yte: NdArray<Int32Array>;
}

/** The splits `getCIFAR10Data` returns. */
export interface CIFAR10Data {
  /** (numTraining, 3, 32, 32) */
  X_train: Tensor;
  /** (numTraining,) */
  y_train: NdArray<Int32Array>;
  /** (numValidation, 3, 32, 32) */
  X_val: Tensor;
  /** (numValidation,) */
  y_val: NdArray<Int32Array>;
  /** (numTest, 3, 32, 32) */
  X_test: Tensor;
  /** (numTest,) */
  y_test: NdArray<Int32Array>;
}

/** Options of `getCIFAR10Data` (the defaults are the assignment's). */
export interface GetCIFAR10DataOptions {
  /** Training images: the first `numTraining` training records. Default 49000. */
  numTraining?: number;
  /** Validation images: training records `numTraining .. numTraining+numValidation-1`. Default 1000. */
  numValidation?: number;
  /** Test images: the first `numTest` test records. Default 1000. */
  numTest?: number;
  /** Subtract the mean training image from all three splits. Default true. */
  subtractMean?: boolean;
  /** Folder holding the batch files. Default `resolveCIFAR10Dir()`. */
  dir?: string;
}

/** Where `npm run get-data` puts the dataset: `<repo root>/data/cifar-10-batches-bin`. */
export function defaultCIFAR10Dir(): string {
  return path.resolve(LIB_DIR, '..', 'data', 'cifar-10-batches-bin');
}

const HOW_TO_GET =
  'Run `npm run get-data` to download it (170 MB) into data/cifar-10-batches-bin, or set ' +
  'CIFAR10_DIR to a folder holding the official binary version (data_batch_1.bin ... ' +
  'data_batch_5.bin, test_batch.bin).';

/**
 * The folder holding the CIFAR-10 batch files: the environment variable `CIFAR10_DIR` if set,
 * else `<repo root>/data/cifar-10-batches-bin` (found relative to this file, not the cwd).
 *
 * @throws Error explaining how to get the dataset when neither exists, or naming the folder and
 *   the missing file when the folder lacks one of the batch files
 */
export function resolveCIFAR10Dir(): string {
  const fn = 'resolveCIFAR10Dir';
  const fromEnv = process.env.CIFAR10_DIR;
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = path.resolve(fromEnv);
    checkCIFAR10Dir(fn, dir, `CIFAR10_DIR=${fromEnv}`);
    return dir;
  }
  const dir = defaultCIFAR10Dir();
  if (!fs.existsSync(dir)) {
    throw new Error(
      `${fn}: CIFAR-10 not found: CIFAR10_DIR is not set and ${dir} does not exist. ${HOW_TO_GET}`,
    );
  }
  checkCIFAR10Dir(fn, dir, 'the default data folder');
  return dir;
}

/**
 * Checks that `dir` is a folder holding all six batch files, each exactly 30730000 bytes.
 * Throws naming the folder and the first missing or wrong-sized file.
 */
function checkCIFAR10Dir(fn: string, dir: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new Error(`${fn}: ${what}: CIFAR-10 folder ${dir} does not exist. ${HOW_TO_GET}`);
  }
  if (!stat.isDirectory()) {
    throw new Error(`${fn}: ${what}: ${dir} is not a folder. ${HOW_TO_GET}`);
  }
  for (const name of CIFAR10_FILES) {
    const file = path.join(dir, name);
    let size: number;
    try {
      const s = fs.statSync(file);
      if (!s.isFile()) throw new Error('not a file');
      size = s.size;
    } catch {
      throw new Error(`${fn}: ${what}: CIFAR-10 folder ${dir} lacks ${name}. ${HOW_TO_GET}`);
    }
    checkFileSize(fn, file, size);
  }
}

function checkFileSize(fn: string, file: string, size: number): void {
  if (size !== CIFAR10_BATCH_FILE_BYTES) {
    throw new Error(
      `${fn}: ${file} has ${size} bytes, expected ${CIFAR10_BATCH_FILE_BYTES} ` +
        `(${CIFAR10_RECORDS_PER_FILE} records of ${CIFAR10_RECORD_BYTES} bytes): ` +
        'truncated or not a CIFAR-10 binary batch file',
    );
  }
}

/** Copy records `[from, from+count)` of one batch file to records `[at, at+count)` of `to`. */
interface RecordCopy {
  from: number;
  count: number;
  to: Split;
  at: number;
}

/**
 * Reads one batch file into `buffer` (exactly `CIFAR10_BATCH_FILE_BYTES`), checks every label and
 * copies the requested records as float64 into their splits.
 */
function readBatchInto(fn: string, file: string, buffer: Buffer, copies: RecordCopy[]): void {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    checkFileSize(fn, file, size);
    let filled = 0;
    while (filled < buffer.length) {
      const n = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    if (filled !== buffer.length) checkFileSize(fn, file, filled);
  } finally {
    fs.closeSync(fd);
  }
  for (let r = 0; r < CIFAR10_RECORDS_PER_FILE; r++) {
    const label = buffer[r * CIFAR10_RECORD_BYTES];
    if (label > 9) {
      throw new Error(
        `${fn}: ${file}: record ${r} has label ${label}, expected a class in 0..9 ` +
          '(not a CIFAR-10 binary batch file?)',
      );
    }
  }
  for (const { from, count, to, at } of copies) {
    for (let k = 0; k < count; k++) {
      const src = (from + k) * CIFAR10_RECORD_BYTES;
      const dst = (at + k) * CIFAR10_IMAGE_BYTES;
      to.y[at + k] = buffer[src];
      const X = to.X;
      for (let j = 0; j < CIFAR10_IMAGE_BYTES; j++) X[dst + j] = buffer[src + 1 + j];
    }
  }
}

/** A range of consecutive records of the training (or test) set going to one split. */
interface Range {
  start: number;
  count: number;
  to: Split;
}

/**
 * Reads the records named by `train` (indices into the 50000 training records) and `test` (into
 * the 10000 test records), one file at a time, skipping files no range touches.
 */
function readRecords(fn: string, dir: string, train: Range[], test: Range[]): void {
  const buffer = Buffer.alloc(CIFAR10_BATCH_FILE_BYTES);
  const files: Array<[string, number, Range[]]> = CIFAR10_TRAIN_FILES.map((name, b) => [
    name,
    b * CIFAR10_RECORDS_PER_FILE,
    train,
  ]);
  files.push([CIFAR10_TEST_FILE, 0, test]);
  for (const [name, first, ranges] of files) {
    const copies: RecordCopy[] = [];
    for (const { start, count, to } of ranges) {
      const lo = Math.max(start, first);
      const hi = Math.min(start + count, first + CIFAR10_RECORDS_PER_FILE);
      if (lo < hi) copies.push({ from: lo - first, count: hi - lo, to, at: lo - start });
    }
    if (copies.length > 0) readBatchInto(fn, path.join(dir, name), buffer, copies);
  }
}

function newSplit(n: number): Split {
  return { X: new Float64Array(n * CIFAR10_IMAGE_BYTES), y: new Int32Array(n) };
}

function asTensors(s: Split): [Tensor, NdArray<Int32Array>] {
  const n = s.y.length;
  return [tensor([n, ...IMAGE_SHAPE], s.X), ndarray(s.y, [n])];
}

/**
 * Loads all of CIFAR-10 from the official binary batch files in `dir` (like `load_CIFAR10(ROOT)`,
 * but channels first, as `get_CIFAR10_data` returns them).
 *
 * @param dir folder holding data_batch_1.bin ... data_batch_5.bin and test_batch.bin
 * @returns `{ Xtr: (50000, 3, 32, 32), Ytr: (50000,), Xte: (10000, 3, 32, 32), Yte: (10000,) }`;
 *   X float64 with values 0..255, Y int32 with values 0..9. About 1.47 GB.
 * @throws Error naming the folder or file when the folder or a file is missing, a file is not
 *   exactly 30730000 bytes, or a label is outside 0..9
 */
export function loadCIFAR10(dir: string): CIFAR10 {
  if (typeof dir !== 'string' || dir === '') {
    throw new TypeError(`loadCIFAR10: dir must be a folder path, got ${JSON.stringify(dir)}`);
  }
  const root = path.resolve(dir);
  checkCIFAR10Dir('loadCIFAR10', root, 'dir');
  const train = newSplit(NUM_TRAIN);
  const test = newSplit(NUM_TEST);
  readRecords(
    'loadCIFAR10',
    root,
    [{ start: 0, count: NUM_TRAIN, to: train }],
    [{ start: 0, count: NUM_TEST, to: test }],
  );
  const [Xtr, Ytr] = asTensors(train);
  const [Xte, Yte] = asTensors(test);
  return { Xtr, Ytr, Xte, Yte };
}

const OPTION_NAMES = ['numTraining', 'numValidation', 'numTest', 'subtractMean', 'dir'];

/**
 * Loads CIFAR-10 and prepares it for the classifiers, like the assignment's `get_CIFAR10_data`:
 * training = the first `numTraining` training records, validation = training records
 * `numTraining .. numTraining+numValidation-1`, test = the first `numTest` test records; then the
 * mean training image (over axis 0, in float64) is subtracted from all three.
 *
 * Only the batch files the splits need are read, one at a time, straight into the returned arrays
 * (peak memory: the returned arrays plus about 30 MB; 1.25 GB for the defaults).
 *
 * @returns `{ X_train: (numTraining, 3, 32, 32), y_train: (numTraining,), X_val: (numValidation,
 *   3, 32, 32), y_val: (numValidation,), X_test: (numTest, 3, 32, 32), y_test: (numTest,) }`
 * @throws RangeError / TypeError naming the option for a non-integer or negative count,
 *   numTraining + numValidation > 50000, numTest > 10000, an unknown option, or subtractMean with
 *   numTraining = 0 (the mean of no images is NaN); Error from `resolveCIFAR10Dir` / the loader
 *   when the data is missing or malformed
 */
export function getCIFAR10Data(options: GetCIFAR10DataOptions = {}): CIFAR10Data {
  const fn = 'getCIFAR10Data';
  checkOptions(fn, 'options', options, OPTION_NAMES, { cifar10_dir: 'dir', cifar10Dir: 'dir' });
  const numTraining = countOption(fn, 'numTraining', options.numTraining, 49000);
  const numValidation = countOption(fn, 'numValidation', options.numValidation, 1000);
  const numTest = countOption(fn, 'numTest', options.numTest, 1000);
  const subtractMean = options.subtractMean ?? true;
  if (typeof subtractMean !== 'boolean') {
    throw new TypeError(`${fn}: subtractMean must be true or false, got ${String(subtractMean)}`);
  }
  if (numTraining + numValidation > NUM_TRAIN) {
    throw new RangeError(
      `${fn}: numTraining + numValidation = ${numTraining} + ${numValidation} = ` +
        `${numTraining + numValidation} exceeds the ${NUM_TRAIN} training images`,
    );
  }
  if (numTest > NUM_TEST) {
    throw new RangeError(`${fn}: numTest = ${numTest} exceeds the ${NUM_TEST} test images`);
  }
  if (subtractMean && numTraining === 0) {
    throw new RangeError(
      `${fn}: subtractMean needs at least one training image (numTraining = 0); ` +
        'pass subtractMean: false',
    );
  }
  if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
    throw new TypeError(`${fn}: dir must be a folder path, got ${JSON.stringify(options.dir)}`);
  }
  let dir: string;
  if (options.dir !== undefined) {
    dir = path.resolve(options.dir);
    checkCIFAR10Dir(fn, dir, 'dir');
  } else {
    dir = resolveCIFAR10Dir();
  }

  const train = newSplit(numTraining);
  const val = newSplit(numValidation);
  const test = newSplit(numTest);
  readRecords(
    fn,
    dir,
    [
      { start: 0, count: numTraining, to: train },
      { start: numTraining, count: numValidation, to: val },
    ],
    [{ start: 0, count: numTest, to: test }],
  );
  if (subtractMean) {
    const mean = meanImage(train.X, numTraining);
    for (const s of [train, val, test]) subtractImage(s.X, mean);
  }
  const [X_train, y_train] = asTensors(train);
  const [X_val, y_val] = asTensors(val);
  const [X_test, y_test] = asTensors(test);
  return { X_train, y_train, X_val, y_val, X_test, y_test };
}

function countOption(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Mean over axis 0 of `n` packed images, like `np.mean(X, axis=0)`: the float64 sum divided by n.
 * The pixels are integers 0..255, so every partial sum is exact and the result equals numpy's bit
 * for bit.
 */
function meanImage(X: Float64Array, n: number): Float64Array {
  const sum = new Float64Array(CIFAR10_IMAGE_BYTES);
  for (let i = 0; i < n; i++) {
    const base = i * CIFAR10_IMAGE_BYTES;
    for (let j = 0; j < CIFAR10_IMAGE_BYTES; j++) sum[j] += X[base + j];
  }
  for (let j = 0; j < CIFAR10_IMAGE_BYTES; j++) sum[j] /= n;
  return sum;
}

/** `X -= mean` in place, for packed images X and one image `mean`. */
function subtractImage(X: Float64Array, mean: Float64Array): void {
  for (let base = 0; base < X.length; base += CIFAR10_IMAGE_BYTES) {
    for (let j = 0; j < CIFAR10_IMAGE_BYTES; j++) X[base + j] -= mean[j];
  }
}
