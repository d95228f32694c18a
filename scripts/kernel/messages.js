/**
 * What the kernel prints when a cell fails: short, and about the notebook's own code.
 *
 * - `missingNamesMessage`: a cell that uses names no earlier cell declared (typically: run before
 *   the set-up cell) gets one line saying which cell to run first, instead of TypeScript's
 *   follow-up noise ("Exported variable 'solver' has or is using private name 'Solver'").
 * - `formatError`: a runtime error shows its message and the frames in this repository's sources
 *   (lib/layers.ts:NN through source maps, and the cell), not Node's or tslab's frames.
 * - `INTERRUPTED`: the one line an interrupted cell prints.
 */
const path = require('node:path');

const INTERRUPTED =
  'Interrupted (Kernel > Interrupt): the cell stopped; what it had assigned before the interrupt is kept.';

/** Codes of TypeScript's "Cannot find name 'x'" family (with or without a suggestion). */
const MISSING_NAME_CODES = new Set([2304, 2552, 2582, 2583, 18004]);

function missingName(diag) {
  if (diag.fileName || !MISSING_NAME_CODES.has(diag.code)) return undefined;
  return /'([^']+)'/.exec(String(diag.messageText))?.[1];
}

const quoteList = (names) => names.map((n) => `'${n}'`).join(', ');

/**
 * One line for a cell whose diagnostics include names that are not declared yet, or undefined.
 * @param {{ fileName?: string, code: number, messageText: string }[]} diagnostics tslab's, for
 *   the cell (no fileName) and the files it imports
 * @param {Set<string>} libNames the names lib/index.ts exports
 */
function missingNamesMessage(diagnostics, libNames) {
  const fromLib = [];
  const fromCells = [];
  const suggestions = [];
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
  const parts = [];
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
function isEmitNoise(diag) {
  return /has or is using private name|cannot be named without a reference/.test(
    String(diag.messageText),
  );
}

/**
 * The message and our frames of a runtime error, as printed under a failed cell.
 * @param {unknown} err what the cell threw
 * @param {string} rootDir the repository root (frames are shown relative to it)
 * @param {string} cellFile the prefix of the file names cells run under (shown as "cell")
 */
function formatError(err, rootDir, cellFile) {
  if (!(err instanceof Error) || typeof err.stack !== 'string') {
    return `Uncaught ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`;
  }
  const lines = err.stack.split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  // The message itself, not the stack's head: with source maps on, Node puts the throwing source
  // line and a caret above the message.
  const head = [`${err.name || 'Error'}: ${err.message}`];
  const frames = firstFrame < 0 ? [] : lines.slice(firstFrame);
  const kernelDir = path.join(rootDir, 'scripts');
  const ours = [];
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
function isInterrupt(err) {
  return (
    err instanceof Error &&
    (err.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ||
      err.message === 'Interrupted asynchronously')
  );
}

module.exports = { INTERRUPTED, missingNamesMessage, isEmitNoise, formatError, isInterrupt };
