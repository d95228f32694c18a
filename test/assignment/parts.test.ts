/**
 * The grader's parts, each split into compute (student code, in a process of its own, inputs only)
 * and judge (here, with the answers), with nothing but plain data between them (a JSON codec that
 * refuses anything else). On the solved project every part gets full points; on the student
 * version every library part reports missing. The cases added for wrong code that used to pass
 * (unshifted softmax, ReLU at exact zeros, SVM margins of exactly 0, dropout masks not of the
 * documented form, max pooling that sends a tied window's gradient to every maximum) fail that code
 * and pass the right code, both written here.
 *
 * A notebook the project does not hold yet (ConvolutionalNetworks.ipynb, written on its own) is
 * the only one whose parts the solved project may miss; they are judged on stand-in notebooks.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cnnModule from '../../lib/classifiers/cnn';
import * as linearSvmModule from '../../lib/classifiers/linearSvm';
import * as softmaxModule from '../../lib/classifiers/softmax';
import * as tensorModule from '../../lib/core/tensor';
import { tensor } from '../../lib/core/tensor';
import * as layersModule from '../../lib/layers';
import * as convolutionModule from '../../lib/layers/convolution';
import * as dropoutModule from '../../lib/layers/dropout';
import * as poolingModule from '../../lib/layers/pooling';
import * as spatialModule from '../../lib/layers/spatialNormalization';
import { allParts, exercises } from '../../tools/assignment/exercises';
import type {
  AnswerContext,
  ComputeContext,
  LibraryPart,
  NdLike,
  Notebook,
  Part,
  Wire,
} from '../../tools/assignment/gradingKit';
import { parseNotebook } from '../../tools/assignment/gradingKit';
import { decodeWireJson, encodeWireJson } from '../helpers/wireJson';

const root = path.resolve(__dirname, '..', '..');
const grading = path.join(root, 'test', 'fixtures', 'grading');
const answersDir = path.join(grading, 'answers');
const inputsDir = path.join(grading, 'inputs');

/** The ConvolutionalNetworks exercise and the notebook it grades (which may not be here yet). */
const conv = exercises.find((e) => e.name === 'convolutional_networks');
const CONV_NOTEBOOK = 'notebooks/assignment2/ConvolutionalNetworks.ipynb';
/** The library parts of the ConvolutionalNetworks exercise. */
const convLibraryParts = (conv?.parts ?? []).filter((p) => p.kind === 'library');

const answers: AnswerContext = {
  answer<T>(name: string): T {
    return JSON.parse(fs.readFileSync(path.join(answersDir, `${name}.json`), 'utf8')) as T;
  },
};

interface Verdict {
  id: string;
  status: 'ok' | 'missing' | 'fail';
  detail: string;
}

/** Runs every library part's compute against `dir` in a child process; encoded results by id. */
function computeAll(
  dir: string,
  inputs: string,
): Map<string, { status: string; value?: string; detail?: string }> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'test', 'helpers', 'partsCompute.ts'), dir, inputs],
    {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
      // the js backend, as the grader's sandbox runs (a student version has no built backends,
      // and the suite's own CS231N_BACKEND may name one)
      env: { ...process.env, NODE_OPTIONS: '', CS231N_BACKEND: 'js' },
    },
  ).toString('utf8');
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; status: string; value?: string; detail?: string });
  return new Map(lines.map((l) => [l.id, l]));
}

/** Judges a part: a library part on its decoded result, a notebook part on the notebook. */
function judge(
  part: Part,
  dir: string,
  computed?: { status: string; value?: string; detail?: string },
): Verdict {
  try {
    if (part.kind === 'notebook') {
      const nb: Notebook = parseNotebook(
        fs.readFileSync(path.join(dir, part.file), 'utf8'),
        part.file,
      );
      return { id: part.id, status: 'ok', detail: part.judge(nb, answers) };
    }
    if (!computed) return { id: part.id, status: 'fail', detail: 'no result' };
    if (computed.status !== 'ok') {
      return {
        id: part.id,
        status: computed.status as Verdict['status'],
        detail: computed.detail ?? '',
      };
    }
    return {
      id: part.id,
      status: 'ok',
      detail: part.judge(decodeWireJson(computed.value ?? 'null'), answers),
    };
  } catch (e) {
    return { id: part.id, status: 'fail', detail: (e as Error).message };
  }
}

function report(title: string, verdicts: Verdict[]): void {
  const lines = verdicts.map((v) => `  ${v.status.padEnd(7)} ${v.id}: ${v.detail.slice(0, 140)}`);
  console.log(`${title}\n${lines.join('\n')}`);
}

describe('fixtures: inputs and answers', () => {
  const names = fs.readdirSync(answersDir).map((f) => f.replace(/\.json$/, ''));

  it('pair up case by case (same sections, same names, same order)', () => {
    expect(names.sort()).toEqual(
      fs
        .readdirSync(inputsDir)
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    );
    for (const name of names) {
      const i = JSON.parse(fs.readFileSync(path.join(inputsDir, `${name}.json`), 'utf8'));
      const a = answers.answer<Record<string, unknown>>(name);
      expect(Object.keys(i).sort(), name).toEqual(Object.keys(a).sort());
      for (const [section, cases] of Object.entries(i)) {
        if (section === 'meta') continue;
        const ids = (list: unknown) =>
          (list as { name: string; rule?: string }[]).map((c) => `${c.name}|${c.rule}`);
        expect(ids(cases), `${name}.${section}`).toEqual(ids(a[section]));
      }
    }
  });

  it('inputs hold no expected output (only names and what the judge also needs are in both)', () => {
    const shared = new Set(['name', 'rule', 'steps', 'p', 'x', 'dout']);
    const leaks: string[] = [];
    for (const name of names) {
      const i = JSON.parse(fs.readFileSync(path.join(inputsDir, `${name}.json`), 'utf8'));
      const a = answers.answer<Record<string, Record<string, unknown>[]>>(name);
      for (const [section, cases] of Object.entries(a)) {
        if (section === 'meta') continue;
        cases.forEach((c, k) => {
          for (const key of Object.keys(c)) {
            if (!shared.has(key) && key in i[section][k])
              leaks.push(`${name}.${section}[${k}].${key}`);
          }
          const steps = c.steps as Record<string, unknown>[] | undefined;
          steps?.forEach((st, j) => {
            for (const key of Object.keys(st)) {
              if (key in i[section][k].steps[j])
                leaks.push(`${name}.${section}[${k}].steps[${j}].${key}`);
            }
          });
        });
      }
    }
    expect(leaks).toEqual([]);
  });

  it('batch norm train-mode cases are the answers without "test mode" (the backward judges pair them so)', () => {
    const i = JSON.parse(
      fs.readFileSync(path.join(inputsDir, 'batch_normalization.json'), 'utf8'),
    ) as {
      batchnorm: { name: string; bnParam: { mode: string } }[];
    };
    const train = i.batchnorm.filter((c) => c.bnParam.mode === 'train').map((c) => c.name);
    const a = answers.answer<{ batchnorm: { name: string }[] }>('batch_normalization');
    expect(a.batchnorm.filter((c) => !c.name.includes('test mode')).map((c) => c.name)).toEqual(
      train,
    );
  });
});

describe('the solved project', () => {
  let verdicts: Verdict[] = [];
  beforeAll(() => {
    const computed = computeAll(root, inputsDir);
    verdicts = allParts().map((p) => judge(p, root, computed.get(p.id)));
    report('solved project', verdicts);
  });

  it('gets every point of both assignments (parts of a notebook not in the project yet aside)', () => {
    const absent = allParts().filter(
      (p) => p.kind === 'notebook' && !fs.existsSync(path.join(root, p.file)),
    );
    // Only the ConvolutionalNetworks notebook may be absent; once it is here, its parts count.
    expect([...new Set(absent.map((p) => p.file))]).toEqual(
      fs.existsSync(path.join(root, CONV_NOTEBOOK)) ? [] : [CONV_NOTEBOOK],
    );
    const aside = new Set(absent.map((p) => p.id));
    expect(verdicts.filter((v) => v.status !== 'ok' && !aside.has(v.id))).toEqual([]);
    expect(verdicts.length).toBe(allParts().length);
  });

  it('gets every point of the ConvolutionalNetworks library parts (80 points in all with the notebook)', () => {
    expect(conv?.assignment).toBe(2);
    expect(conv?.notebook).toBe(CONV_NOTEBOOK);
    expect(convLibraryParts.map((p) => p.id.split(':')[1])).toEqual([
      'conv_forward_naive',
      'conv_backward_naive',
      'max_pool_forward_naive',
      'max_pool_backward_naive',
      'spatial_batchnorm_forward',
      'spatial_batchnorm_backward',
      'spatial_groupnorm_forward',
      'spatial_groupnorm_backward',
      'cnn_init',
      'cnn_loss',
    ]);
    const byId = new Map(verdicts.map((v) => [v.id, v]));
    for (const p of convLibraryParts) expect(byId.get(p.id), p.id).toMatchObject({ status: 'ok' });
    expect(conv?.parts.reduce((s, p) => s + p.points, 0)).toBe(80);
  });
});

describe("ConvolutionalNetworks' notebook part, on stand-in notebooks", () => {
  const part = conv?.parts.find((p) => p.kind === 'notebook');
  /** A notebook with one executed cell printing `text`. */
  const printing = (text: string): Notebook =>
    ({
      cells: [
        {
          cell_type: 'code',
          source: 'print(accuracy)',
          metadata: {},
          execution_count: 1,
          outputs: [{ output_type: 'stream', name: 'stdout', text: [text] }],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }) as unknown as Notebook;
  const verdict = (nb: Notebook): string => {
    if (part?.kind !== 'notebook') throw new Error('no notebook part');
    try {
      return `ok: ${part.judge(nb, answers)}`;
    } catch (e) {
      return `fail: ${(e as Error).message}`;
    }
  };

  it('passes a training accuracy above 0.4 and fails 0.4, below, or nothing printed', () => {
    expect(part?.points).toBe(10);
    expect(verdict(printing('Full data training accuracy: 0.431\n'))).toBe(
      'ok: Full data training accuracy: 0.431 (bar: above 0.4)',
    );
    expect(verdict(printing('Full data training accuracy: 0.4\n'))).toMatch(
      /^fail: .*0\.4, not above the bar/,
    );
    expect(verdict(printing('Full data training accuracy: 0.12\n'))).toMatch(/^fail: /);
    expect(verdict(printing('Small data training accuracy: 0.9\n'))).toMatch(
      /never printed "Full data training accuracy: <number>"/,
    );
  });

  it.skipIf(!fs.existsSync(path.join(root, CONV_NOTEBOOK)))(
    'passes the executed notebook of this project',
    () => {
      const nb = parseNotebook(
        fs.readFileSync(path.join(root, CONV_NOTEBOOK), 'utf8'),
        CONV_NOTEBOOK,
      );
      expect(verdict(nb)).toMatch(/^ok: /);
    },
  );
});

describe('the student version', () => {
  let dir = '';
  let verdicts: Verdict[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parts-student-'));
    const out = path.join(dir, 'project');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'tools/assignment/makeStudent.ts'), '--out', out],
      {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'));
    const computed = computeAll(out, path.join(out, 'test', 'fixtures', 'grading', 'inputs'));
    verdicts = allParts().map((p) => judge(p, out, computed.get(p.id)));
    report('student version', verdicts);
  }, 300_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ships the inputs and no answers', () => {
    const g = path.join(dir, 'project', 'test', 'fixtures', 'grading');
    expect(fs.readdirSync(g).sort()).toEqual(['inputs']);
    expect(fs.readdirSync(path.join(g, 'inputs')).sort()).toEqual(fs.readdirSync(inputsDir).sort());
  });

  it('gets 0 of the ConvolutionalNetworks exercise, each library part missing', () => {
    const byId = new Map(verdicts.map((v) => [v.id, v]));
    for (const p of convLibraryParts) {
      expect(byId.get(p.id), p.id).toMatchObject({
        status: 'missing',
        detail: expect.stringMatching(/is not implemented yet/),
      });
    }
    const earned = (conv?.parts ?? []).filter((p) => byId.get(p.id)?.status === 'ok');
    expect(earned).toEqual([]);
  });

  it('raises exactly the convolution parts when lib/layers/convolution.ts alone is restored', () => {
    const out = path.join(dir, 'project');
    const file = 'lib/layers/convolution.ts';
    const stub = fs.readFileSync(path.join(out, file));
    fs.copyFileSync(path.join(root, file), path.join(out, file));
    try {
      const computed = computeAll(out, path.join(out, 'test', 'fixtures', 'grading', 'inputs'));
      const library = allParts().filter((p) => p.kind === 'library');
      const ok = library.filter((p) => judge(p, out, computed.get(p.id)).status === 'ok');
      expect(ok.map((p) => p.id)).toEqual([
        'convolutional_networks:conv_forward_naive',
        'convolutional_networks:conv_backward_naive',
      ]);
    } finally {
      fs.writeFileSync(path.join(out, file), stub);
    }
  }, 120_000);

  it('raises exactly the parts of the solved files restored into it (lib/layers/: affine, relu, losses, dropout)', () => {
    const out = path.join(dir, 'project');
    const restored = [
      'lib/layers/affine.ts',
      'lib/layers/relu.ts',
      'lib/layers/losses.ts',
      'lib/layers/dropout.ts',
    ];
    for (const f of restored) fs.copyFileSync(path.join(root, f), path.join(out, f));
    const computed = computeAll(out, path.join(out, 'test', 'fixtures', 'grading', 'inputs'));
    const library = allParts().filter((p) => p.kind === 'library');
    const ok = library.filter((p) => judge(p, out, computed.get(p.id)).status === 'ok');
    expect(ok.map((p) => p.id)).toEqual(
      library.filter((p) => restored.includes(p.file)).map((p) => p.id),
    );
    expect(ok.length).toBe(8);
  }, 120_000);

  it('reports every library part missing and passes no notebook part', () => {
    const lib = new Set(
      allParts()
        .filter((p) => p.kind === 'library')
        .map((p) => p.id),
    );
    expect(verdicts.filter((v) => lib.has(v.id) && v.status !== 'missing')).toEqual([]);
    expect(verdicts.filter((v) => !lib.has(v.id) && v.status === 'ok')).toEqual([]);
  });
});

// ---------------------------------------------------------------- the new cases

type T = NdLike & { data: Float64Array };
const real: Record<string, unknown> = {
  'lib/core/tensor': tensorModule,
  'lib/layers': layersModule,
  'lib/classifiers/softmax': softmaxModule,
  'lib/classifiers/linearSvm': linearSvmModule,
  'lib/layers/dropout': dropoutModule,
  'lib/layers/convolution': convolutionModule,
  'lib/layers/pooling': poolingModule,
  'lib/layers/spatialNormalization': spatialModule,
  'lib/classifiers/cnn': cnnModule,
};

/** Runs one part in-process with some functions replaced; the result crosses the JSON codec. */
function runWith(id: string, overrides: Record<string, Record<string, unknown>>): Verdict {
  const part = allParts().find((p): p is LibraryPart => p.id === id && p.kind === 'library');
  if (!part) throw new Error(`no library part ${id}`);
  const ctx: ComputeContext = {
    load<M>(module: string): M {
      const base = real[module];
      if (!base) throw new Error(`test: no module ${module}`);
      return { ...(base as object), ...(overrides[module] ?? {}) } as M;
    },
    input<I>(name: string): I {
      return JSON.parse(fs.readFileSync(path.join(inputsDir, `${name}.json`), 'utf8')) as I;
    },
  };
  let value: Wire;
  try {
    value = decodeWireJson(encodeWireJson(part.compute(ctx)));
  } catch (e) {
    return { id, status: 'fail', detail: (e as Error).message };
  }
  try {
    return { id, status: 'ok', detail: part.judge(value, answers) };
  } catch (e) {
    return { id, status: 'fail', detail: (e as Error).message };
  }
}

/** Rows of a 2-D ndarray. */
function rows(a: NdLike): number[][] {
  return Array.from({ length: a.shape[0] }, (_, i) =>
    Array.from({ length: a.shape[1] }, (_, j) => a.get(i, j)),
  );
}

/** A 2-D tensor from rows. */
function fromRows(r: number[][]): T {
  return tensor([r.length, r[0].length], Float64Array.from(r.flat())) as unknown as T;
}

/** Softmax loss and gradient on scores, with or without the shift by the row maximum. */
function softmaxOnScores(
  scores: number[][],
  y: ArrayLike<number>,
  shift: boolean,
): [number, number[][]] {
  const n = scores.length;
  let loss = 0;
  const d = scores.map((row, i) => {
    const m = shift ? Math.max(...row) : 0;
    const e = row.map((s) => Math.exp(s - m));
    const sum = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / sum);
    loss -= Math.log(p[y[i]]);
    return p.map((v, j) => v - (j === y[i] ? 1 : 0));
  });
  return [loss / n, d];
}

/** SVM loss and gradient on scores; `ties` counts a margin of exactly 0 as positive. */
function svmOnScores(
  scores: number[][],
  y: ArrayLike<number>,
  ties: boolean,
): [number, number[][]] {
  const n = scores.length;
  let loss = 0;
  const d = scores.map((row, i) => {
    const g = row.map(() => 0);
    row.forEach((s, j) => {
      if (j === y[i]) return;
      const margin = s - row[y[i]] + 1;
      if (margin > 0 || (ties && margin === 0)) {
        loss += margin;
        g[j] += 1;
        g[y[i]] -= 1;
      }
    });
    return g;
  });
  return [loss / n, d];
}

/**
 * A linear loss (W, X) from a loss on scores, whose gradient is N times dscores (divided by N after
 * the product, as numpy's reference does): scores = X W, dW = X^T dscores + 2 reg W.
 */
function linearLoss(onScores: (s: number[][], y: ArrayLike<number>) => [number, number[][]]) {
  return (W: NdLike, X: NdLike, y: ArrayLike<number>, reg: number): [number, T] => {
    const w = rows(W);
    const x = rows(X);
    const scores = x.map((r) => w[0].map((_, c) => r.reduce((a, v, k) => a + v * w[k][c], 0)));
    const [loss, ds] = onScores(scores, y);
    const n = x.length;
    const dW = w.map((wr, k) =>
      wr.map((wv, c) => x.reduce((a, r, i) => a + r[k] * ds[i][c], 0) / n + 2 * reg * wv),
    );
    const l2 = w.flat().reduce((a, v) => a + v * v, 0);
    return [loss + reg * l2, fromRows(dW)];
  };
}

/** A loss on a score matrix (the layers' svmLoss / softmaxLoss form). */
function scoreLoss(onScores: (s: number[][], y: ArrayLike<number>) => [number, number[][]]) {
  return (x: NdLike, y: ArrayLike<number>): [number, T] => {
    const [loss, d] = onScores(rows(x), y);
    return [loss, fromRows(d.map((r) => r.map((v) => v / d.length)))];
  };
}

/** reluBackward on the documented cache (x); `atZero` is the gradient passed where x is 0. */
function reluBackward(atZero: boolean) {
  return (dout: T, x: T): T => {
    const out = new Float64Array(dout.data.length);
    for (let i = 0; i < out.length; i++)
      out[i] = x.data[i] > 0 || (atZero && x.data[i] === 0) ? dout.data[i] : 0;
    return tensor(dout.shape, out) as unknown as T;
  };
}

describe('new cases: wrong code that used to pass now fails its part', () => {
  it('softmax with an unshifted exp fails on scores above 710; shifted passes', () => {
    for (const [id, module, fn, make] of [
      ['softmax:loss_naive', 'lib/classifiers/softmax', 'softmaxLossNaive', linearLoss],
      ['softmax:loss_vectorized', 'lib/classifiers/softmax', 'softmaxLossVectorized', linearLoss],
      ['two_layer_net:softmax_loss', 'lib/layers', 'softmaxLoss', scoreLoss],
    ] as const) {
      const wrong = runWith(id, {
        [module]: { [fn]: make((s, y) => softmaxOnScores(s, y, false)) },
      });
      expect(wrong.status, id).toBe('fail');
      expect(wrong.detail).toMatch(/scores above 710/);
      const right = runWith(id, {
        [module]: { [fn]: make((s, y) => softmaxOnScores(s, y, true)) },
      });
      expect(right, id).toMatchObject({ status: 'ok' });
    }
  });

  it('a ReLU gradient that passes x == 0 fails on the exact zeros; x > 0 passes', () => {
    const wrong = runWith('two_layer_net:relu_backward', {
      'lib/layers': { reluBackward: reluBackward(true) },
    });
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toMatch(/exact zeros/);
    const right = runWith('two_layer_net:relu_backward', {
      'lib/layers': { reluBackward: reluBackward(false) },
    });
    expect(right).toMatchObject({ status: 'ok' });
  });

  it('an SVM counting margins of exactly 0 fails on the tie cases; margin > 0 passes', () => {
    for (const [id, module, fn, make] of [
      ['svm:loss_naive', 'lib/classifiers/linearSvm', 'svmLossNaive', linearLoss],
      ['svm:loss_vectorized', 'lib/classifiers/linearSvm', 'svmLossVectorized', linearLoss],
      ['two_layer_net:svm_loss', 'lib/layers', 'svmLoss', scoreLoss],
    ] as const) {
      const wrong = runWith(id, { [module]: { [fn]: make((s, y) => svmOnScores(s, y, true)) } });
      expect(wrong.status, id).toBe('fail');
      expect(wrong.detail).toMatch(/margins of exactly 0/);
      const right = runWith(id, { [module]: { [fn]: make((s, y) => svmOnScores(s, y, false)) } });
      expect(right, id).toMatchObject({ status: 'ok' });
    }
  });

  describe("dropout backward, graded on the student's own cache", () => {
    type Param = { mode: string; p: number; seed?: number };
    /** A forward pass drawing keep[i] = (u < p) from a seeded generator, its cached mask as given. */
    const forward =
      (maskOf: (keep: boolean, p: number) => number) =>
      (x: T, param: Param): [T, [Param, T | null]] => {
        if (param.mode === 'test')
          return [tensor(x.shape, x.data.slice()) as unknown as T, [param, null]];
        let s = param.seed ?? 1;
        const u = () => {
          s = (s * 16807) % 2147483647;
          return s / 2147483647;
        };
        const mask = Float64Array.from(x.data, () => maskOf(u() < param.p, param.p));
        const out = Float64Array.from(x.data, (v, i) => v * (mask[i] === 0 ? 0 : 1 / param.p));
        return [
          tensor(x.shape, out) as unknown as T,
          [param, tensor(x.shape, mask) as unknown as T],
        ];
      };
    const backward =
      (scale: (m: number, p: number) => number) =>
      (dout: T, [param, mask]: [Param, T | null]): T =>
        param.mode === 'test' || !mask
          ? (tensor(dout.shape, dout.data.slice()) as unknown as T)
          : (tensor(
              dout.shape,
              Float64Array.from(dout.data, (d, i) => d * scale(mask.data[i], param.p)),
            ) as unknown as T);
    const documentedForward = forward((keep, p) => (keep ? 1 / p : 0));

    it('a 0 / 1 mask (not the documented 0 or 1 / p) fails, even with a backward pass that scales it', () => {
      const v = runWith('dropout:backward', {
        'lib/layers/dropout': {
          dropoutForward: forward((keep) => (keep ? 1 : 0)),
          dropoutBackward: backward((m, p) => m / p),
        },
      });
      expect(v.status).toBe('fail');
      expect(v.detail).toMatch(/documented mask holds 0 or 1 \/ p/);
    });

    it("a backward pass that ignores the mask's scale (dout where kept) fails", () => {
      const v = runWith('dropout:backward', {
        'lib/layers/dropout': {
          dropoutForward: documentedForward,
          dropoutBackward: backward((m) => (m > 0 ? 1 : 0)),
        },
      });
      expect(v.status).toBe('fail');
      expect(v.detail).toMatch(/dout \* mask of the forward pass/);
    });

    it('dout * mask on the documented cache passes (this implementation and the solved one)', () => {
      const v = runWith('dropout:backward', {
        'lib/layers/dropout': {
          dropoutForward: documentedForward,
          dropoutBackward: backward((m) => m),
        },
      });
      expect(v).toMatchObject({ status: 'ok' });
      expect(runWith('dropout:backward', {})).toMatchObject({ status: 'ok' });
    });
  });
});

describe('max pooling backward: a tied window sends its gradient to its first maximum', () => {
  type PoolParam = { poolHeight: number; poolWidth: number; stride: number };
  /**
   * A pooling backward pass on the documented cache `[x, poolParam]`; `everyMax` sends a window's
   * gradient to every position holding its maximum, else to the first in row-major order.
   */
  const poolBackward =
    (everyMax: boolean) =>
    (dout: T, [x, { poolHeight, poolWidth, stride }]: [T, PoolParam]): T => {
      const [N, C, H, W] = x.shape;
      const [, , outH, outW] = dout.shape;
      const dx = new Float64Array(N * C * H * W);
      const at = (n: number, c: number, i: number, j: number) => ((n * C + c) * H + i) * W + j;
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++)
          for (let i = 0; i < outH; i++)
            for (let j = 0; j < outW; j++) {
              const taps: number[] = [];
              for (let u = 0; u < poolHeight; u++)
                for (let v = 0; v < poolWidth; v++)
                  taps.push(at(n, c, i * stride + u, j * stride + v));
              const max = Math.max(...taps.map((k) => x.data[k]));
              const winners = taps.filter((k) => x.data[k] === max);
              for (const k of everyMax ? winners : winners.slice(0, 1))
                dx[k] += dout.get(n, c, i, j);
            }
      return tensor(x.shape, dx) as unknown as T;
    };

  it('every maximum of a tied window fails on the tie cases; the first maximum passes', () => {
    const id = 'convolutional_networks:max_pool_backward_naive';
    const wrong = runWith(id, {
      'lib/layers/pooling': { maxPoolBackwardNaive: poolBackward(true) },
    });
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toMatch(/with ties.*dx \(to the first maximum of each window\)/);
    const right = runWith(id, {
      'lib/layers/pooling': { maxPoolBackwardNaive: poolBackward(false) },
    });
    expect(right).toMatchObject({ status: 'ok' });
    expect(runWith(id, {})).toMatchObject({ status: 'ok' });
  });
});

describe('judges refuse garbage', () => {
  const library = allParts().filter((p): p is LibraryPart => p.kind === 'library');
  for (const garbage of [
    null,
    0,
    'ok',
    [],
    {},
    new Float64Array(3),
    [null, null, null],
  ] as Wire[]) {
    it(`no library part passes ${JSON.stringify(garbage instanceof Float64Array ? 'Float64Array' : garbage)}`, () => {
      const passed = library.filter((p) => {
        try {
          p.judge(garbage, answers);
          return true;
        } catch {
          return false;
        }
      });
      expect(passed.map((p) => p.id)).toEqual([]);
    });
  }

  it('the dropout net part refuses zero gradients with zero losses at perturbed points', () => {
    const part = allParts().find(
      (p): p is LibraryPart => p.id === 'dropout:net' && p.kind === 'library',
    );
    const computed = computeAll(root, inputsDir).get('dropout:net');
    const value = decodeWireJson(computed?.value ?? 'null') as {
      withDropout: Record<string, Wire>[];
    }[];
    for (const net of value) {
      for (const r of net.withDropout) {
        for (const group of ['grads', 'plus', 'minus']) {
          const g = r[group] as Record<string, Wire>;
          for (const k of Object.keys(g)) {
            const a = g[k] as { data?: Float64Array } | Float64Array;
            if (a instanceof Float64Array) a.fill(0);
            else a.data?.fill(0);
          }
        }
      }
    }
    expect(() => part?.judge(value as unknown as Wire, answers)).toThrow(
      /do not surround the training loss/,
    );
  });
});
