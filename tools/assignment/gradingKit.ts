/**
 * What the grader's parts are made of: the part type, the context a part's check runs in (inside
 * the worker process, against one project folder) and small helpers shared by the exercises'
 * checks (fixture arrays, relative error, notebook outputs). Nothing here imports the graded
 * project's code: a check loads it through `ctx.load`, so a broken file fails only that check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findRegions } from './markers';
import { cellText, type Notebook, visibleChars } from './notebook';

/** The project being graded, as seen by a check. */
export interface GradeContext {
  /** The project folder (absolute). */
  dir: string;
  /** Loads a module of the graded project, e.g. `load('lib/layers')`. */
  load<T = Record<string, unknown>>(module: string): T;
  /** Reads a fixture of the grader (test/fixtures/grading/NAME.json of the grader's project). */
  fixture<T = unknown>(name: string): T;
}

/** One graded part: a function or cell the student writes, or an inline answer. */
export interface Part {
  /** Unique id, `exercise:part`, e.g. `two_layer_net:affine_forward`. */
  id: string;
  /** What is graded, in a few words. */
  title: string;
  points: number;
  /** The file the student writes it in. */
  file: string;
  /** Time limit of the part's process, in ms. */
  timeoutMs: number;
  /**
   * Runs the checks; throws on the first failure (the message says which case and by how much).
   * @returns a one-line summary of what passed
   */
  check(ctx: GradeContext): string;
}

/** The course's assignments this project grades. */
export type AssignmentNumber = 1 | 2;

/** An exercise of an assignment: its notebook and its parts. */
export interface Exercise {
  name: string;
  /** The assignment it belongs to (a student submits and is graded one assignment at a time). */
  assignment: AssignmentNumber;
  notebook: string;
  parts: Part[];
}

/** An array in a fixture file: `{shape, data}` (flat, C order). */
export interface FixtureArray {
  shape: number[];
  data: number[];
}

/** The part of an ndarray a check reads. */
export interface NdLike {
  shape: number[];
  size: number;
  get(...index: number[]): number;
}

/** Flat values of an ndarray in C order, whatever its strides. */
export function flat(a: NdLike): Float64Array {
  if (!a || !Array.isArray(a.shape) || typeof a.get !== 'function') {
    throw new Error(`expected an ndarray, got ${describe(a)}`);
  }
  const out = new Float64Array(a.shape.reduce((p, d) => p * d, 1));
  const idx = new Array<number>(a.shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    out[k] = a.get(...idx);
    for (let j = idx.length - 1; j >= 0; j--) {
      if (++idx[j] < a.shape[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? `an object (${v.constructor?.name ?? 'Object'})` : typeof v;
}

/** The notebooks' rel_error: `max(|x - y| / max(1e-8, |x| + |y|))`. */
export function relError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]) / Math.max(1e-8, Math.abs(x[i]) + Math.abs(y[i]));
    if (!(e <= worst)) worst = e; // NaN counts as the worst
  }
  return worst;
}

/** Checks that `got` has the fixture's shape and values within `tol` relative error. */
export function expectArray(what: string, got: NdLike, want: FixtureArray, tol: number): number {
  const shape = got?.shape;
  if (!Array.isArray(shape) || shape.join(',') !== want.shape.join(',')) {
    throw new Error(
      `${what}: shape ${Array.isArray(shape) ? `(${shape.join(', ')})` : describe(got)}, expected (${want.shape.join(', ')})`,
    );
  }
  const err = relError(flat(got), want.data);
  if (!(err <= tol)) {
    throw new Error(`${what}: relative error ${err.toExponential(2)}, expected <= ${tol}`);
  }
  return err;
}

/** Checks a scalar within `tol` absolute error. */
export function expectNumber(what: string, got: unknown, want: number, tol: number): void {
  if (typeof got !== 'number' || !(Math.abs(got - want) <= tol)) {
    throw new Error(`${what}: got ${String(got)}, expected ${want} (within ${tol})`);
  }
}

/** A module-level time limit for library parts. */
export const LIB_TIMEOUT_MS = 60_000;
export const NOTEBOOK_TIMEOUT_MS = 30_000;

/**
 * Runs a check on every case; the message of a failure names the case (a NotImplementedError
 * passes through unchanged, so the part is reported as missing).
 * @returns a one-line summary
 */
export function eachCase<C extends { name: string }>(cases: C[], run: (c: C) => void): string {
  for (const c of cases) {
    try {
      run(c);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err.name === 'NotImplementedError') throw err;
      throw new Error(`case "${c.name}": ${err.message}`);
    }
  }
  return `${cases.length} cases passed`;
}

/** A tensor maker of the graded project, for fixture arrays. */
export function fixtureTensors(ctx: GradeContext): (a: FixtureArray) => NdLike {
  const { tensor } = ctx.load<{
    tensor(shape: readonly number[], data?: Float64Array): NdLike;
  }>('lib/core/tensor');
  return (a) => tensor(a.shape, Float64Array.from(a.data));
}

/** Checks that predicted labels equal the expected ones, naming the first difference. */
export function expectLabels(what: string, got: unknown, want: readonly number[]): void {
  const g = got as ArrayLike<number> | null | undefined;
  if (!g || typeof g.length !== 'number' || g.length !== want.length) {
    throw new Error(`${what}: ${describe(got)}, expected ${want.length} labels`);
  }
  for (let i = 0; i < want.length; i++) {
    if (g[i] !== want[i]) throw new Error(`${what}[${i}] is ${g[i]}, expected ${want[i]}`);
  }
}

/**
 * Reads a notebook of the graded project.
 * @throws Error naming the file when it is missing or not a notebook (not JSON, no cells)
 */
export function readNotebook(ctx: GradeContext, file: string): Notebook {
  const abs = path.join(ctx.dir, file);
  if (!fs.existsSync(abs)) throw new Error(`${file} is missing`);
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(abs, 'utf8')) as Notebook;
  } catch (e) {
    throw new Error(`${file} is not a notebook: not JSON (${(e as Error).message})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${file} is not a notebook: no cells`);
  return nb;
}

/**
 * The text a notebook's executed code cells printed (stdout), in order; with `cell`, only the
 * code cells whose source contains that text (given code the student does not write).
 */
export function printedText(nb: Notebook, cell?: string): string {
  return nb.cells
    .filter((c) => c.cell_type === 'code' && (cell === undefined || cellText(c).includes(cell)))
    .flatMap(
      (c) =>
        (c.outputs ?? []) as { output_type?: string; name?: string; text?: string | string[] }[],
    )
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
    .join('');
}

/**
 * A number the executed notebook printed after a label, e.g. `Test set accuracy:  0.52`.
 * @throws Error when the notebook never printed it (not executed, or the cell failed)
 */
export function printedNumber(nb: Notebook, file: string, label: string, cell?: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}\\s*(-?[0-9]*\\.?[0-9]+(?:e-?[0-9]+)?)`).exec(
    printedText(nb, cell),
  );
  if (!m) throw new Error(`${file} never printed "${label} <number>": run the notebook first`);
  return Number(m[1]);
}

/** A part reading an accuracy the executed notebook printed, against a bar. */
export function printedAccuracyPart(options: {
  id: string;
  title: string;
  points: number;
  notebook: string;
  labels: string[];
  bar: number;
  /** Read only the cells whose source contains this (when a label is printed by several). */
  cell?: string;
}): Part {
  return {
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.notebook,
    timeoutMs: NOTEBOOK_TIMEOUT_MS,
    check(ctx) {
      const nb = readNotebook(ctx, options.notebook);
      const values = options.labels.map((label) => {
        const v = printedNumber(nb, options.notebook, label, options.cell);
        if (!(v >= options.bar)) {
          throw new Error(`${label} ${v}, below the bar of ${options.bar}`);
        }
        return `${label} ${v}`;
      });
      return `${values.join(', ')} (bar ${options.bar})`;
    },
  };
}

/**
 * A part checking that the k-th inline answer of a notebook is written: in the solved notebook,
 * the k-th markdown cell with solution markers, each region non-empty; in a student's, the cell
 * tagged `assignment.answer = k` by the generator, holding at least one visible character per
 * region more than the blank cell did.
 */
export function answerPart(options: {
  id: string;
  title: string;
  points: number;
  notebook: string;
  k: number;
}): Part {
  return {
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.notebook,
    timeoutMs: NOTEBOOK_TIMEOUT_MS,
    check(ctx) {
      const nb = readNotebook(ctx, options.notebook);
      const tagged = nb.cells.find((c) => {
        const a = (c.metadata?.assignment ?? {}) as { answer?: number };
        return c.cell_type === 'markdown' && a.answer === options.k;
      });
      if (tagged) {
        const a = tagged.metadata.assignment as { regions: number; blankChars: number };
        const added = visibleChars(cellText(tagged)) - a.blankChars;
        if (added < a.regions) throw new Error(`inline answer ${options.k} is blank`);
        return `answered (${added} characters)`;
      }
      const marked = nb.cells.filter(
        (c) => c.cell_type === 'markdown' && /BEGIN SOLUTION/.test(cellText(c)),
      );
      const cell = marked[options.k - 1];
      if (!cell)
        throw new Error(`inline answer ${options.k}: no such answer cell in ${options.notebook}`);
      const lines = cellText(cell).split('\n');
      for (const r of findRegions(lines, 'markdown', options.notebook)) {
        if (visibleChars(lines.slice(r.begin + 1, r.end).join('\n')) === 0) {
          throw new Error(`inline answer ${options.k} is blank`);
        }
      }
      return 'answered';
    },
  };
}
