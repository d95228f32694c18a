/**
 * The error a student-version stub throws: "affineForward is not implemented yet: write it in
 * lib/layers/affine.ts". Its stack is that one line, so a notebook cell, a test or the grader shows
 * a plain sentence instead of a trace into the stub (the notebook kernel prints it and lets the next cells
 * run; see jupyter/kernel/executor.ts).
 */
export class NotImplementedError extends Error {
  /** What is missing, e.g. `affineForward` or `TwoLayerNet constructor`. */
  readonly what: string;
  /** The file to write it in, relative to the project root, e.g. `lib/layers/affine.ts`. */
  readonly file: string;

  /**
   * @param what the function (or part) still to write
   * @param file where to write it, relative to the project root
   */
  constructor(what: string, file: string) {
    super(`${what} is not implemented yet: write it in ${file}`);
    this.name = 'NotImplementedError';
    this.what = what;
    this.file = file;
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** True for a {@link NotImplementedError}, also one from another copy of this module. */
export function isNotImplementedError(e: unknown): e is NotImplementedError {
  return e instanceof Error && e.name === 'NotImplementedError';
}
