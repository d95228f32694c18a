/**
 * The two kinds of graded part of the isolated grader, as gradingKit.ts exports them: a library
 * part computes in the sandbox (student code, public inputs only) and is judged in the grader
 * (with the answers); a notebook part is judged in the grader on the parsed notebook.
 */
import type { Notebook } from './notebook';

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

/**
 * Plain data that crosses the channel: null, boolean, number (NaN, +-Infinity and -0 preserved),
 * string, Float64Array, arrays and plain objects of these. An ndarray crosses as
 * `{shape: number[], data: Float64Array}`.
 */
export type Wire = null | boolean | number | string | Float64Array | Wire[] | { [k: string]: Wire };

/** A part that runs student code: computed in the sandbox, judged in the grader. */
export interface LibraryPart {
  kind: 'library';
  id: string;
  title: string;
  points: number;
  file: string;
  timeoutMs: number;
  /** Runs in the sandbox: calls the student's functions on the inputs, returns plain data. */
  compute(ctx: ComputeContext): Wire;
  /** Runs in the grader on what compute returned; throws on the first failure; returns a one-line summary. */
  judge(result: Wire, answers: AnswerContext): string;
}

/** A part that reads an executed notebook (accuracies printed, inline answers): no student code runs. */
export interface NotebookPart {
  kind: 'notebook';
  id: string;
  title: string;
  points: number;
  file: string;
  /** Runs in the grader on the notebook's parsed JSON (size-capped). */
  judge(nb: Notebook, answers: AnswerContext): string;
}

/** A graded part. */
export type Part = LibraryPart | NotebookPart;
