/**
 * What the grader's parts are made of, and the helpers both halves of a part use.
 *
 * A part that runs student code is a {@link LibraryPart}: its `compute` runs in the sandbox (a
 * process of its own, without the answers), calls the student's functions on the public inputs
 * (test/fixtures/grading/inputs/NAME.json) and returns plain data ({@link Wire}); its `judge` runs
 * in the trusted grader on that data and the expected answers (test/fixtures/grading/answers/).
 * A part that reads an executed notebook is a {@link NotebookPart}: no student code runs.
 *
 * Nothing here imports the graded project's code: compute loads it through `ctx.load`, so a broken
 * file fails only its parts. A judge treats what compute returned as hostile: it checks every
 * shape and type before it compares, and never passes on missing or malformed values.
 */
import { findRegions } from './markers';
import { cellText, type Notebook, type NotebookCell, visibleChars } from './notebook';

export type { Notebook } from './notebook';

/** What student code may see: the submission's modules and the public inputs. Runs in the sandbox. */
export interface ComputeContext {
  /** Loads a module of the submission's scratch copy, e.g. `load('lib/layers')`. */
  load<T = Record<string, unknown>>(module: string): T;
  /** Reads a public input file of the grader (inputs only, never an expected output). */
  input<T = unknown>(name: string): T;
}

/** What the trusted grader sees when it judges a part: the answers, which never reach the sandbox. */
export interface AnswerContext {
  /** Reads an answer file of the grader (expected outputs for the graded cases). */
  answer<T = unknown>(name: string): T;
}

/** A part that runs student code: computed in the sandbox, judged in the grader. */
export interface LibraryPart {
  kind: 'library';
  /** Unique id, `exercise:part`, e.g. `two_layer_net:affine_forward`. */
  id: string;
  /** What is graded, in a few words. */
  title: string;
  points: number;
  /** The file the student writes it in. */
  file: string;
  /** Time limit of the part's sandbox process, in ms. */
  timeoutMs: number;
  /**
   * Runs in the sandbox: calls the student's functions on the inputs, returns plain data.
   * @throws NotImplementedError (from the student's stub) when the part is not written yet
   */
  compute(ctx: ComputeContext): Wire;
  /**
   * Runs in the grader on what compute returned; throws on the first failure (the message says
   * which case and by how much).
   * @returns a one-line summary of what passed
   */
  judge(result: Wire, answers: AnswerContext): string;
}

/** A part that reads an executed notebook (accuracies printed, inline answers): no student code runs. */
export interface NotebookPart {
  kind: 'notebook';
  id: string;
  title: string;
  points: number;
  /** The notebook, relative to the project. */
  file: string;
  /**
   * Runs in the grader on the notebook's parsed JSON (size-capped by the caller; its content is
   * the student's and is checked like any hostile value).
   * @returns a one-line summary of what passed
   */
  judge(nb: Notebook, answers: AnswerContext): string;
}

/** One graded part. */
export type Part = LibraryPart | NotebookPart;

/**
 * Plain data that crosses the channel: null, boolean, number (NaN, +-Infinity and -0 preserved),
 * string, Float64Array, arrays and plain objects of these. An ndarray crosses as
 * `{shape: number[], data: Float64Array}` ({@link wireArray}).
 */
export type Wire = null | boolean | number | string | Float64Array | Wire[] | { [k: string]: Wire };

/** An ndarray on the wire: its shape and its values, flat in C order. */
export interface WireArray {
  [k: string]: Wire;
  shape: number[];
  data: Float64Array;
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

/** The part of an ndarray compute reads. */
export interface NdLike {
  shape: number[];
  size: number;
  get(...index: number[]): number;
}

/** A module-level time limit for library parts. */
export const LIB_TIMEOUT_MS = 60_000;

// ------------------------------------------------------------------ compute side (sandbox)

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

/**
 * An ndarray as plain data: `{shape, data}`. Throws (naming `what`) when `a` is not an ndarray,
 * so a function returning the wrong thing fails with a message rather than crossing as garbage.
 */
export function wireArray(a: unknown, what = 'value'): WireArray {
  const nd = a as NdLike;
  if (!nd || !Array.isArray(nd.shape) || typeof nd.get !== 'function') {
    throw new Error(`${what}: expected an ndarray, got ${describe(a)}`);
  }
  return { shape: nd.shape.map(Number), data: flat(nd) };
}

/** An ndarray as plain data, or null when `a` is null or undefined (an optional output). */
export function wireArrayOrNull(a: unknown, what = 'value'): WireArray | null {
  return a === null || a === undefined ? null : wireArray(a, what);
}

/**
 * Labels (an array-like of numbers, e.g. an Int32Array) as plain data, or null when they are not
 * array-like; an entry that is not a number becomes NaN (which equals no label).
 */
export function wireLabels(a: unknown): Float64Array | null {
  const l = a as ArrayLike<unknown> | null | undefined;
  if (!l || typeof l !== 'object' || typeof l.length !== 'number') return null;
  return Float64Array.from({ length: l.length }, (_, i) => {
    const v = l[i];
    return typeof v === 'number' ? v : Number.NaN;
  });
}

/** A number as plain data (anything else becomes null, which no judge accepts as a number). */
export function wireNumber(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

/** A record of ndarrays (a net's parameters or gradients) as plain data (null for an entry that
 * is not an ndarray, null for no record). */
export function wireParams(params: unknown): Wire {
  if (!params || typeof params !== 'object') return null;
  const out: { [k: string]: Wire } = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    const nd = v as NdLike | null;
    out[k] =
      nd && Array.isArray(nd.shape) && typeof nd.get === 'function' ? wireArray(nd, k) : null;
  }
  return out;
}

/**
 * Runs compute on every case, in order; a failure names the case (a NotImplementedError passes
 * through unchanged, so the part is reported as missing).
 * @returns one result per case
 */
export function mapCases<C extends { name: string }>(cases: C[], run: (c: C) => Wire): Wire[] {
  return cases.map((c) => {
    try {
      return run(c);
    } catch (e) {
      throw caseError(c.name, e);
    }
  });
}

function caseError(name: string, e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.name === 'NotImplementedError') return err;
  return new Error(`case "${name}": ${err.message}`);
}

/** A tensor maker of the graded project, for fixture arrays. */
export function fixtureTensors(ctx: ComputeContext): (a: FixtureArray) => NdLike {
  const { tensor } = ctx.load<{
    tensor(shape: readonly number[], data?: Float64Array): NdLike;
  }>('lib/core/tensor');
  return (a) => tensor(a.shape, Float64Array.from(a.data));
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v instanceof Float64Array) return `a Float64Array of length ${v.length}`;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null;
    const name = typeof proto?.constructor?.name === 'string' ? proto.constructor.name : 'Object';
    return `an object (${name})`;
  }
  return typeof v;
}

// ------------------------------------------------------------------ judge side (grader)

/** The notebooks' rel_error: `max(|x - y| / max(1e-8, |x| + |y|))`; NaN counts as the worst. */
export function relError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]) / Math.max(1e-8, Math.abs(x[i]) + Math.abs(y[i]));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/** Standard deviation of values. */
export function std(v: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - mean) ** 2;
  return Math.sqrt(s / v.length);
}

/**
 * Checks an initialised weight matrix: its shape, and a standard deviation within a tenth of the
 * weight scale; a bias: its shape, all zeros.
 */
export function expectInitParam(
  what: string,
  got: Wire | undefined,
  shape: number[],
  weightScale: number | null,
): void {
  if (got === null || got === undefined) throw new Error(`${what} is missing`);
  const p = asArray(what, got);
  if (p.shape.join(',') !== shape.join(',')) {
    throw new Error(`${what}: shape (${p.shape.join(', ')}), expected (${shape.join(', ')})`);
  }
  if (weightScale === null) {
    const bad = p.data.findIndex((v) => v !== 0);
    if (bad >= 0) throw new Error(`${what} (zero biases): entry ${bad} is ${p.data[bad]}`);
    return;
  }
  const s = std(p.data);
  if (!(Math.abs(s - weightScale) < weightScale / 10)) {
    throw new Error(`${what}: standard deviation ${s}, expected about weightScale ${weightScale}`);
  }
}

/** A plain object of a result (compute's output), or a failure naming `what`. */
export function asRecord(what: string, v: Wire | undefined): { [k: string]: Wire } {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Float64Array) {
    throw new Error(`${what}: expected an object, got ${describe(v)}`);
  }
  return v;
}

/** An array of a result, of `length` entries when given, or a failure naming `what`. */
export function asList(what: string, v: Wire | undefined, length?: number): Wire[] {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list, got ${describe(v)}`);
  if (length !== undefined && v.length !== length) {
    throw new Error(`${what}: ${v.length} entries, expected ${length}`);
  }
  return v;
}

/** An ndarray of a result (`{shape, data}` with matching sizes), or a failure naming `what`. */
export function asArray(what: string, v: Wire | undefined): WireArray {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Float64Array) {
    throw new Error(`${what}: expected an ndarray, got ${describe(v)}`);
  }
  const { shape, data } = v;
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0) ||
    !(data instanceof Float64Array) ||
    (shape as number[]).reduce((p, d) => p * d, 1) !== data.length
  ) {
    throw new Error(`${what}: expected an ndarray, got ${describe(v)}`);
  }
  return { shape: shape as number[], data };
}

/** An ndarray of a result with the given shape, or a failure naming `what`. */
export function expectShape(
  what: string,
  got: Wire | undefined,
  shape: readonly number[],
): WireArray {
  const g = asArray(what, got);
  if (g.shape.join(',') !== shape.join(',')) {
    throw new Error(`${what}: shape (${g.shape.join(', ')}), expected (${shape.join(', ')})`);
  }
  return g;
}

/** Checks that `got` has the fixture's shape and values within `tol` relative error. */
export function expectArray(
  what: string,
  got: Wire | undefined,
  want: FixtureArray | WireArray,
  tol: number,
): number {
  if (got === null || got === undefined) {
    throw new Error(`${what}: ${String(got)}, expected an ndarray (${want.shape.join(', ')})`);
  }
  const g = asArray(what, got);
  if (g.shape.join(',') !== want.shape.join(',')) {
    throw new Error(`${what}: shape (${g.shape.join(', ')}), expected (${want.shape.join(', ')})`);
  }
  const err = relError(g.data, want.data);
  if (!(err <= tol)) {
    throw new Error(`${what}: relative error ${err.toExponential(2)}, expected <= ${tol}`);
  }
  return err;
}

/** Checks a scalar within `tol` absolute error. */
export function expectNumber(what: string, got: Wire | undefined, want: number, tol: number): void {
  if (typeof got !== 'number' || !(Math.abs(got - want) <= tol)) {
    throw new Error(`${what}: got ${describeValue(got)}, expected ${want} (within ${tol})`);
  }
}

/** Checks that predicted labels equal the expected ones, naming the first difference. */
export function expectLabels(what: string, got: Wire | undefined, want: readonly number[]): void {
  if (!(got instanceof Float64Array) || got.length !== want.length) {
    throw new Error(`${what}: ${describe(got)}, expected ${want.length} labels`);
  }
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${what}[${i}] is ${got[i]}, expected ${want[i]}`);
  }
}

function describeValue(v: Wire | undefined): string {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : describe(v);
}

/**
 * Judges compute's results case by case: `results` must be a list with one entry per answer case
 * (compute ran the inputs' cases, which the answers' match one for one); a failure names the case.
 * @returns a one-line summary
 */
export function judgeCases<A extends { name: string }>(
  results: Wire,
  cases: A[],
  run: (got: Wire, want: A, index: number) => void,
): string {
  const list = asList('results', results, cases.length);
  cases.forEach((c, i) => {
    try {
      run(list[i], c, i);
    } catch (e) {
      throw caseError(c.name, e);
    }
  });
  return `${cases.length} cases passed`;
}

// ------------------------------------------------------------------ notebook parts

/**
 * The cells of a notebook a student handed in, checked to be a notebook.
 * @throws Error naming the file when it has no cell list
 */
export function notebookCells(nb: unknown, file: string): NotebookCell[] {
  const cells = (nb as { cells?: unknown } | null)?.cells;
  if (!nb || typeof nb !== 'object' || !Array.isArray(cells)) {
    throw new Error(`${file} is not a notebook: no cells`);
  }
  return cells.filter(
    (c): c is NotebookCell =>
      !!c &&
      typeof c === 'object' &&
      (typeof c.source === 'string' ||
        (Array.isArray(c.source) && c.source.every((s: unknown) => typeof s === 'string'))),
  );
}

/**
 * Parses a notebook's text (for callers that read the file themselves).
 * @throws Error naming the file when it is not JSON or has no cells
 */
export function parseNotebook(text: string, file: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not a notebook: not JSON (${(e as Error).message})`);
  }
  notebookCells(nb, file);
  return nb as Notebook;
}

/**
 * The text a notebook's executed code cells printed (stdout), in order; with `cell`, only the
 * code cells whose source contains that text (given code the student does not write).
 */
export function printedText(nb: Notebook, cell?: string): string {
  return notebookCells(nb, 'the notebook')
    .filter((c) => c.cell_type === 'code' && (cell === undefined || cellText(c).includes(cell)))
    .flatMap((c) => (Array.isArray(c.outputs) ? c.outputs : []) as unknown[])
    .map((o) => o as { output_type?: unknown; name?: unknown; text?: unknown })
    .filter((o) => !!o && o.output_type === 'stream' && o.name === 'stdout')
    .map((o) =>
      Array.isArray(o.text)
        ? o.text.filter((t): t is string => typeof t === 'string').join('')
        : typeof o.text === 'string'
          ? o.text
          : '',
    )
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
}): NotebookPart {
  return {
    kind: 'notebook',
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.notebook,
    judge(nb) {
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
}): NotebookPart {
  return {
    kind: 'notebook',
    id: options.id,
    title: options.title,
    points: options.points,
    file: options.notebook,
    judge(nb) {
      const cells = notebookCells(nb, options.notebook);
      const tagged = cells.find((c) => {
        const meta = c.metadata as { assignment?: { answer?: unknown } } | undefined;
        return c.cell_type === 'markdown' && meta?.assignment?.answer === options.k;
      });
      if (tagged) {
        const a = (tagged.metadata as { assignment: { regions?: unknown; blankChars?: unknown } })
          .assignment;
        const regions = typeof a.regions === 'number' ? a.regions : 1;
        const blank = typeof a.blankChars === 'number' ? a.blankChars : 0;
        const added = visibleChars(cellText(tagged)) - blank;
        if (!(added >= Math.max(1, regions))) {
          throw new Error(`inline answer ${options.k} is blank`);
        }
        return `answered (${added} characters)`;
      }
      const marked = cells.filter(
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
