import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCIFAR10Dir,
  getCIFAR10Data,
  loadCIFAR10,
  resolveCIFAR10Dir,
} from '../lib/dataUtils';
import {
  BATCH_FILES,
  batchFileBytes,
  fixtureLabel,
  fixturePixel,
  IMAGE_BYTES,
  makeTempDir,
  RECORD_BYTES,
  writeCIFAR10Fixture,
} from './helpers/cifarFixture';

const SLOW = 120_000;

/** Expected image byte `p` of training record `n` (0..49999) of the fixture. */
function trainPixel(n: number, p: number): number {
  return fixturePixel(Math.floor(n / 10000), n % 10000, p);
}
function trainLabel(n: number): number {
  return fixtureLabel(Math.floor(n / 10000), n % 10000);
}

/** Checks every value of `X` (packed, (count, 3, 32, 32)) against `expected(k, p)`. */
function expectImages(
  X: Float64Array,
  count: number,
  expected: (k: number, p: number) => number,
): void {
  expect(X.length).toBe(count * IMAGE_BYTES);
  let mismatches = 0;
  let first = '';
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < IMAGE_BYTES; p++) {
      const want = expected(k, p);
      if (X[k * IMAGE_BYTES + p] !== want) {
        if (mismatches++ === 0)
          first = `image ${k} byte ${p}: ${X[k * IMAGE_BYTES + p]} != ${want}`;
      }
    }
  }
  expect(first).toBe('');
  expect(mismatches).toBe(0);
}

let root: string;
let fixture: string;

beforeAll(() => {
  root = makeTempDir('cifar-data-test-');
  fixture = path.join(root, 'good');
  writeCIFAR10Fixture(fixture);
}, SLOW);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** A folder with the good fixture files (symlinked) except `name`, written as `bytes` if given. */
function variantDir(label: string, name: string, bytes?: Buffer): string {
  const dir = path.join(root, label);
  fs.mkdirSync(dir);
  for (const f of BATCH_FILES) {
    if (f !== name) fs.symlinkSync(path.join(fixture, f), path.join(dir, f));
  }
  if (bytes) fs.writeFileSync(path.join(dir, name), bytes);
  return dir;
}

describe('loadCIFAR10 on synthetic batch files in the official format', () => {
  it(
    'returns (50000,3,32,32) / (10000,3,32,32) float64 images and int32 labels straight from the records',
    () => {
      const { Xtr, Ytr, Xte, Yte } = loadCIFAR10(fixture);
      expect(Xtr.shape).toEqual([50000, 3, 32, 32]);
      expect(Xte.shape).toEqual([10000, 3, 32, 32]);
      expect(Ytr.shape).toEqual([50000]);
      expect(Yte.shape).toEqual([10000]);
      expect(Xtr.data).toBeInstanceOf(Float64Array);
      expect(Ytr.data).toBeInstanceOf(Int32Array);
      for (let n = 0; n < 50000; n++) {
        if (Ytr.get(n) !== trainLabel(n)) expect([n, Ytr.get(n)]).toEqual([n, trainLabel(n)]);
      }
      for (let n = 0; n < 10000; n++) {
        if (Yte.get(n) !== fixtureLabel(5, n))
          expect([n, Yte.get(n)]).toEqual([n, fixtureLabel(5, n)]);
      }
      // Element [n, c, i, j] is byte 1 + c*1024 + i*32 + j of record n (channel-major records).
      expect(Xtr.get(0, 0, 0, 0)).toBe(fixturePixel(0, 0, 0));
      expect(Xtr.get(0, 1, 0, 0)).toBe(fixturePixel(0, 0, 1024));
      expect(Xtr.get(0, 2, 31, 31)).toBe(fixturePixel(0, 0, 3071));
      expect(Xtr.get(12345, 1, 7, 30)).toBe(fixturePixel(1, 2345, 1024 + 7 * 32 + 30));
      expect(Xte.get(9999, 2, 5, 3)).toBe(fixturePixel(5, 9999, 2048 + 5 * 32 + 3));
      // Full check of the records at every file boundary.
      const boundary = [0, 9999, 10000, 19999, 20000, 29999, 30000, 39999, 40000, 49999];
      for (const n of boundary) {
        const img = Xtr.data.subarray(n * IMAGE_BYTES, (n + 1) * IMAGE_BYTES);
        expectImages(img, 1, (_k, p) => trainPixel(n, p));
      }
      expectImages(Xte.data.subarray(0, 2 * IMAGE_BYTES), 2, (k, p) => fixturePixel(5, k, p));
    },
    SLOW,
  );
});

describe('getCIFAR10Data on synthetic batch files', () => {
  it(
    'splits like the assignment: train = first numTraining, val = the next numValidation, test = first numTest',
    () => {
      const d = getCIFAR10Data({
        dir: fixture,
        numTraining: 10500,
        numValidation: 9600,
        numTest: 30,
        subtractMean: false,
      });
      expect(d.X_train.shape).toEqual([10500, 3, 32, 32]);
      expect(d.X_val.shape).toEqual([9600, 3, 32, 32]);
      expect(d.X_test.shape).toEqual([30, 3, 32, 32]);
      expect(d.y_train.shape).toEqual([10500]);
      expect(d.y_val.shape).toEqual([9600]);
      expect(d.y_test.shape).toEqual([30]);
      // The train split crosses data_batch_1 -> 2, the val split data_batch_2 -> 3.
      expectImages(d.X_train.data, 10500, trainPixel);
      expectImages(d.X_val.data, 9600, (k, p) => trainPixel(10500 + k, p));
      expectImages(d.X_test.data, 30, (k, p) => fixturePixel(5, k, p));
      expect(Array.from(d.y_train.data)).toEqual(
        Array.from({ length: 10500 }, (_, n) => trainLabel(n)),
      );
      expect(Array.from(d.y_val.data)).toEqual(
        Array.from({ length: 9600 }, (_, k) => trainLabel(10500 + k)),
      );
      expect(Array.from(d.y_test.data)).toEqual(
        Array.from({ length: 30 }, (_, k) => fixtureLabel(5, k)),
      );
    },
    SLOW,
  );

  it(
    'the default split takes validation from training records 49000..49999 (data_batch_5)',
    () => {
      const d = getCIFAR10Data({
        dir: fixture,
        numTraining: 49000,
        numValidation: 1000,
        subtractMean: false,
      });
      expect(d.X_train.shape).toEqual([49000, 3, 32, 32]);
      expectImages(d.X_val.data, 1000, (k, p) => fixturePixel(4, 9000 + k, p));
      expect(d.y_val.get(999)).toBe(fixtureLabel(4, 9999));
      expect(d.X_train.get(48999, 2, 31, 31)).toBe(fixturePixel(4, 8999, 3071));
      expect(d.X_test.shape).toEqual([1000, 3, 32, 32]);
    },
    SLOW,
  );

  it('subtracts the float64 mean training image from all three splits', () => {
    const numTraining = 300;
    const d = getCIFAR10Data({ dir: fixture, numTraining, numValidation: 20, numTest: 10 });
    const mean = new Float64Array(IMAGE_BYTES);
    for (let n = 0; n < numTraining; n++) {
      for (let p = 0; p < IMAGE_BYTES; p++) mean[p] += trainPixel(n, p);
    }
    for (let p = 0; p < IMAGE_BYTES; p++) mean[p] /= numTraining;
    expectImages(d.X_train.data, numTraining, (k, p) => trainPixel(k, p) - mean[p]);
    expectImages(d.X_val.data, 20, (k, p) => trainPixel(numTraining + k, p) - mean[p]);
    expectImages(d.X_test.data, 10, (k, p) => fixturePixel(5, k, p) - mean[p]);
    // The training images now average to ~0 at every pixel.
    let worst = 0;
    for (let p = 0; p < IMAGE_BYTES; p++) {
      let s = 0;
      for (let n = 0; n < numTraining; n++) s += d.X_train.data[n * IMAGE_BYTES + p];
      worst = Math.max(worst, Math.abs(s / numTraining));
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it('allows empty splits (numTraining 0 only without mean subtraction)', () => {
    const d = getCIFAR10Data({
      dir: fixture,
      numTraining: 0,
      numValidation: 0,
      numTest: 0,
      subtractMean: false,
    });
    expect(d.X_train.shape).toEqual([0, 3, 32, 32]);
    expect(d.X_val.shape).toEqual([0, 3, 32, 32]);
    expect(d.y_test.shape).toEqual([0]);
    expect(() => getCIFAR10Data({ dir: fixture, numTraining: 0 })).toThrow(
      /getCIFAR10Data: subtractMean needs at least one training image \(numTraining = 0\)/,
    );
  });
});

describe('bad input', () => {
  it('rejects counts that are negative, not integers, or too large, naming the option', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ numTraining: -1 }, /getCIFAR10Data: numTraining must be a non-negative integer, got -1/],
      [
        { numValidation: 1.5 },
        /getCIFAR10Data: numValidation must be a non-negative integer, got 1.5/,
      ],
      [{ numTest: Number.NaN }, /getCIFAR10Data: numTest must be a non-negative integer, got NaN/],
      [
        { numTraining: '100' },
        /getCIFAR10Data: numTraining must be a non-negative integer, got 100/,
      ],
      [
        { numTraining: 49500, numValidation: 1000 },
        /getCIFAR10Data: numTraining \+ numValidation = 49500 \+ 1000 = 50500 exceeds the 50000 training images/,
      ],
      [{ numTest: 10001 }, /getCIFAR10Data: numTest = 10001 exceeds the 10000 test images/],
      [{ subtractMean: 1 }, /getCIFAR10Data: subtractMean must be true or false, got 1/],
      [
        { num_training: 10 },
        /getCIFAR10Data: unknown option 'num_training' in options; did you mean 'numTraining'\?/,
      ],
      [{ cifar10_dir: '/x' }, /unknown option 'cifar10_dir' in options; did you mean 'dir'\?/],
      [{ numTrain: 10 }, /unknown option 'numTrain' in options; did you mean 'numTraining'\?/],
      [{ dir: '' }, /getCIFAR10Data: dir must be a folder path/],
    ];
    for (const [options, message] of bad) {
      expect(() => getCIFAR10Data({ dir: fixture, ...options } as never)).toThrow(message);
    }
    expect(() => loadCIFAR10(42 as never)).toThrow(
      /loadCIFAR10: dir must be a folder path, got 42/,
    );
  });

  it('names a data folder that does not exist', () => {
    const missing = path.join(root, 'no-such-folder');
    expect(() => loadCIFAR10(missing)).toThrow(
      `loadCIFAR10: dir: CIFAR-10 folder ${missing} does not exist`,
    );
    expect(() => getCIFAR10Data({ dir: missing, numTraining: 10 })).toThrow(
      `getCIFAR10Data: dir: CIFAR-10 folder ${missing} does not exist`,
    );
  });

  it('names the folder and the missing batch file', () => {
    const dir = variantDir('missing-test', 'test_batch.bin');
    expect(() => loadCIFAR10(dir)).toThrow(`CIFAR-10 folder ${dir} lacks test_batch.bin`);
    // Even when the requested splits would not need that file.
    expect(() => getCIFAR10Data({ dir, numTraining: 10, numTest: 0 })).toThrow(
      `CIFAR-10 folder ${dir} lacks test_batch.bin`,
    );
  });

  it('names a truncated batch file, its size and the expected size', () => {
    const dir = variantDir(
      'truncated',
      'data_batch_3.bin',
      batchFileBytes(2).subarray(0, 30730000 - 100),
    );
    const file = path.join(dir, 'data_batch_3.bin');
    const message = `${file} has 30729900 bytes, expected 30730000 (10000 records of 3073 bytes)`;
    expect(() => loadCIFAR10(dir)).toThrow(`loadCIFAR10: ${message}`);
    expect(() => getCIFAR10Data({ dir, numTraining: 10 })).toThrow(`getCIFAR10Data: ${message}`);
  });

  it('names an oversized batch file (records of another format)', () => {
    const dir = variantDir('oversized', 'test_batch.bin', Buffer.alloc(10000 * 3074));
    expect(() => loadCIFAR10(dir)).toThrow(
      `${path.join(dir, 'test_batch.bin')} has 30740000 bytes, expected 30730000`,
    );
  });

  it(
    'names the file and record index of a label outside 0..9',
    () => {
      const bytes = batchFileBytes(1);
      bytes[1234 * RECORD_BYTES] = 10;
      const dir = variantDir('bad-label', 'data_batch_2.bin', bytes);
      const file = path.join(dir, 'data_batch_2.bin');
      expect(() => getCIFAR10Data({ dir, numTraining: 10001, numValidation: 0 })).toThrow(
        `getCIFAR10Data: ${file}: record 1234 has label 10, expected a class in 0..9`,
      );
      expect(() => loadCIFAR10(dir)).toThrow(`loadCIFAR10: ${file}: record 1234 has label 10`);
    },
    SLOW,
  );
});

describe('resolveCIFAR10Dir', () => {
  const saved = process.env.CIFAR10_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CIFAR10_DIR;
    else process.env.CIFAR10_DIR = saved;
  });

  it('uses CIFAR10_DIR when set, and getCIFAR10Data reads from it by default', () => {
    process.env.CIFAR10_DIR = fixture;
    expect(resolveCIFAR10Dir()).toBe(fixture);
    const d = getCIFAR10Data({ numTraining: 2, numValidation: 1, numTest: 1, subtractMean: false });
    expect(d.X_val.get(0, 0, 0, 1)).toBe(trainPixel(2, 1));
  });

  it('names CIFAR10_DIR and the folder when it does not exist, or the missing file', () => {
    const missing = path.join(root, 'nowhere');
    process.env.CIFAR10_DIR = missing;
    expect(() => resolveCIFAR10Dir()).toThrow(
      `resolveCIFAR10Dir: CIFAR10_DIR=${missing}: CIFAR-10 folder ${missing} does not exist. Run \`npm run get-data\``,
    );
    const dir = variantDir('missing-batch-4', 'data_batch_4.bin');
    process.env.CIFAR10_DIR = dir;
    expect(() => resolveCIFAR10Dir()).toThrow(`CIFAR-10 folder ${dir} lacks data_batch_4.bin`);
  });

  it('defaults to data/cifar-10-batches-bin at the repository root, not the cwd', () => {
    expect(defaultCIFAR10Dir()).toBe(path.resolve(__dirname, '..', 'data', 'cifar-10-batches-bin'));
  });

  it.skipIf(fs.existsSync(defaultCIFAR10Dir()))(
    'without CIFAR10_DIR and without data/, explains how to get the dataset (skipped when data/cifar-10-batches-bin exists)',
    () => {
      delete process.env.CIFAR10_DIR;
      expect(() => resolveCIFAR10Dir()).toThrow(
        /^resolveCIFAR10Dir: CIFAR-10 not found: CIFAR10_DIR is not set and .*data\/cifar-10-batches-bin does not exist\. Run `npm run get-data` to download it .* or set CIFAR10_DIR to a folder holding .*data_batch_1\.bin/,
      );
      expect(() => getCIFAR10Data()).toThrow(/npm run get-data/);
    },
  );
});

const realDir = process.env.CIFAR10_DIR;
describe.skipIf(!realDir)(
  'the real CIFAR-10 (skipped when CIFAR10_DIR is not set; point it at cifar-10-batches-bin)',
  () => {
    it(
      'loadCIFAR10: shapes, 5000 training / 1000 test images per class, known records',
      () => {
        const { Xtr, Ytr, Xte, Yte } = loadCIFAR10(realDir!);
        expect(Xtr.shape).toEqual([50000, 3, 32, 32]);
        expect(Xte.shape).toEqual([10000, 3, 32, 32]);
        const count = (y: Int32Array) => {
          const c = new Array(10).fill(0);
          for (const v of y) c[v]++;
          return c;
        };
        expect(count(Ytr.data)).toEqual(new Array(10).fill(5000));
        expect(count(Yte.data)).toEqual(new Array(10).fill(1000));
        // Official labels and the first pixels of record 0 (a frog), which is pixel-exact.
        expect(Array.from(Ytr.data.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
        expect(Array.from(Yte.data.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
        const row = (X: typeof Xtr, n: number, c: number) =>
          Array.from({ length: 10 }, (_, j) => X.get(n, c, 0, j));
        expect(row(Xtr, 0, 0)).toEqual([59, 43, 50, 68, 98, 119, 139, 145, 149, 149]);
        expect(row(Xtr, 0, 1)).toEqual([62, 46, 48, 54, 73, 91, 107, 110, 117, 120]);
        expect(row(Xtr, 0, 2)).toEqual([63, 45, 43, 42, 52, 63, 75, 80, 89, 93]);
        expect(row(Xte, 0, 0)).toEqual([158, 159, 165, 166, 160, 156, 162, 159, 158, 159]);
      },
      SLOW,
    );

    it(
      'getCIFAR10Data(): the assignment shapes, zero-mean training images, val = records 49000..49999',
      () => {
        const d = getCIFAR10Data();
        expect(d.X_train.shape).toEqual([49000, 3, 32, 32]);
        expect(d.y_train.shape).toEqual([49000]);
        expect(d.X_val.shape).toEqual([1000, 3, 32, 32]);
        expect(d.y_val.shape).toEqual([1000]);
        expect(d.X_test.shape).toEqual([1000, 3, 32, 32]);
        expect(d.y_test.shape).toEqual([1000]);
        expect(Array.from(d.y_train.data.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
        expect(Array.from(d.y_test.data.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
        // y_val is the tail of data_batch_5.bin.
        const batch5 = fs.readFileSync(path.join(realDir!, 'data_batch_5.bin'));
        const batch1Record1Pixel0 = fs.readFileSync(path.join(realDir!, 'data_batch_1.bin'))[
          RECORD_BYTES + 1
        ];
        for (let k = 0; k < 1000; k++) {
          expect(d.y_val.get(k)).toBe(batch5[(9000 + k) * RECORD_BYTES]);
        }
        // The same mean image was subtracted from every split: differences between images at
        // one pixel are unchanged.
        expect(d.X_train.get(1, 0, 0, 0) - d.X_train.get(0, 0, 0, 0)).toBeCloseTo(
          batch1Record1Pixel0 - 59,
          10,
        );
        const v0 = batch5[9000 * RECORD_BYTES + 1];
        expect(d.X_val.get(0, 0, 0, 0) - d.X_train.get(0, 0, 0, 0)).toBeCloseTo(v0 - 59, 10);
        expect(d.X_test.get(0, 0, 0, 0) - d.X_train.get(0, 0, 0, 0)).toBeCloseTo(158 - 59, 10);
        // Training images average to ~0 at every pixel.
        const X = d.X_train.data;
        const sum = new Float64Array(IMAGE_BYTES);
        for (let n = 0; n < 49000; n++) {
          for (let p = 0; p < IMAGE_BYTES; p++) sum[p] += X[n * IMAGE_BYTES + p];
        }
        let worst = 0;
        for (let p = 0; p < IMAGE_BYTES; p++) worst = Math.max(worst, Math.abs(sum[p] / 49000));
        expect(worst).toBeLessThan(1e-9);
      },
      SLOW,
    );
  },
);
