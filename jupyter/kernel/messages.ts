/**
 * What the kernel prints when a cell fails: short, and about the notebook's own code.
 *
 * - `missingNamesMessage`: a cell that uses names no earlier cell declared (typically: run before
 *   the set-up cell) gets one line saying which cell to run first, instead of TypeScript's
 *   follow-up noise ("Exported variable 'solver' has or is using private name 'Solver'").
 * - `formatError`: a runtime error shows its message and the frames in this repository's sources
 *   (lib/layers/affine.ts:NN through source maps, and the cell), not Node's or tslab's frames.
 * - `INTERRUPTED`: the one line an interrupted cell prints.
 */
import * as path from 'node:path';

export const INTERRUPTED =
  'Interrupted (Kernel > Interrupt): the cell stopped; what it had assigned before the interrupt is kept.';

/** The message of the error an asynchronous cell is stopped with (tslab's wording). */
export const ASYNC_INTERRUPT_MESSAGE = 'Interrupted asynchronously';

/** Codes of TypeScript's "Cannot find name 'x'" family (with or without a suggestion). */
const MISSING_NAME_CODES = new Set([2304, 2552, 2582, 2583, 18004]);

/** A TypeScript diagnostic as tslab reports it (tslab/dist/converter.d.ts Diagnostic). */
export interface CellDiagnostic {
  /** Set for diagnostics in imported files; unset for the cell itself. */
  fileName?: string;
  code: number;
  messageText: string;
}

function missingName(diag: CellDiagnostic): string | undefined {
  if (diag.fileName || !MISSING_NAME_CODES.has(diag.code)) return undefined;
  return /'([^']+)'/.exec(String(diag.messageText))?.[1];
}

const quoteList = (names: string[]): string => names.map((n) => `'${n}'`).join(', ');

/**
 * One line for a cell whose diagnostics include names that are not declared yet, or undefined.
 * @param diagnostics tslab's, for the cell (no fileName) and the files it imports
 * @param libNames the names lib/index.ts exports
 */
export function missingNamesMessage(
  diagnostics: readonly CellDiagnostic[],
  libNames: ReadonlySet<string>,
): string | undefined {
  const fromLib: string[] = [];
  const fromCells: string[] = [];
  const suggestions: string[] = [];
  for (const d of diagnostics) {
    const name = missingName(d);
    if (!name) continue;
    if (libNames.has(name)) {
      if (!fromLib.includes(name)) fromLib.push(name);
    } else if (!fromCells.includes(name)) {
      fromCells.push(name);
      const hint = /Did you mean '([^']+)'\?/.exec(String(d.messageText))?.[1];
      if (hint) suggestions.push(`'${name}' (did you mean '${hint}'?)`);
    }
  }
  if (fromLib.length === 0 && fromCells.length === 0) return undefined;
  const parts: string[] = [];
  if (fromLib.length > 0) {
    parts.push(
      `${quoteList(fromLib)} ${fromLib.length === 1 ? 'is' : 'are'} not imported yet: run the set-up cell (the one with \`import { ... } from './lib'\`) first`,
    );
  }
  if (fromCells.length > 0) {
    const which =
      fromCells.length === 1 ? 'the cell that declares it' : 'the cells that declare them';
    parts.push(
      `${quoteList(fromCells)} ${fromCells.length === 1 ? 'is' : 'are'} not defined yet: run ${which} first`,
    );
  }
  const line = `${parts.join('; then ')}.`;
  return suggestions.length > 0 ? `${line} Or a typo: ${suggestions.join(', ')}.` : line;
}

/** tslab's follow-up errors of declaration emit, which only repeat a missing name. */
export function isEmitNoise(diag: CellDiagnostic): boolean {
  return /has or is using private name|cannot be named without a reference/.test(
    String(diag.messageText),
  );
}

/**
 * The message and our frames of a runtime error, as printed under a failed cell.
 * @param err what the cell threw
 * @param rootDir the repository root (frames are shown relative to it)
 * @param cellFile the prefix of the file names cells run under (shown as "cell")
 */
export function formatError(err: unknown, rootDir: string, cellFile: string): string {
  if (!(err instanceof Error) || typeof err.stack !== 'string') {
    return `Uncaught ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`;
  }
  const lines = err.stack.split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  // The message itself, not the stack's head: with source maps on, Node puts the throwing source
  // line and a caret above the message.
  const head = [`${err.name || 'Error'}: ${err.message}`];
  const frames = firstFrame < 0 ? [] : lines.slice(firstFrame);
  const kernelDir = path.join(rootDir, 'jupyter');
  const ours: string[] = [];
  for (const frame of frames) {
    if (frame.includes(cellFile)) {
      const fn = frame
        .replace(/^\s+at /, '')
        .replace(/\(?\S*$/, '')
        .trim();
      const shown = fn ? `    at ${fn} (cell)` : '    at cell';
      if (ours[ours.length - 1] !== shown) ours.push(shown);
      continue;
    }
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(frame);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    const outside =
      !file.startsWith(rootDir + path.sep) ||
      file.includes(`${path.sep}node_modules${path.sep}`) ||
      file.startsWith(kernelDir + path.sep); // the kernel's own frames
    if (outside) continue;
    // "Proxy." / "Object.": the receiver a cell calls an imported function through.
    const shown = frame
      .replace(m[1], path.relative(rootDir, file))
      .replace(/^(\s+at )(?:Proxy|Object)\./, '$1');
    if (ours[ours.length - 1] !== shown) ours.push(shown);
  }
  // A cell frame alone says nothing more than the message: drop it.
  const useful = ours.some((f) => !/(\(cell\)| cell)$/.test(f)) ? ours : [];
  return [...head, ...useful.map((f) => f.replace(/^\s+at /, '    at '))].join('\n');
}

/** Whether an error is V8's report of a script stopped by SIGINT (vm's breakOnSigint). */
export function isInterrupt(err: unknown): boolean {
  return (
    err instanceof Error &&
    ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ||
      err.message === ASYNC_INTERRUPT_MESSAGE)
  );
}
