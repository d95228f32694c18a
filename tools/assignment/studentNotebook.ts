/**
 * The student version of a notebook: code regions become the assignment's empty START/END OF YOUR
 * CODE blocks, markdown regions (inline answers) become blank, outputs and execution counts are
 * cleared. Answer cells are tagged in their metadata (`assignment.answer`: 1, 2, ... in notebook
 * order, `assignment.blankChars`: the visible characters of the blank cell) so the grader finds
 * them even when the student moves cells.
 */
import { END_OF_YOUR_CODE, findRegions, type Region, START_OF_YOUR_CODE } from './markers';
import { cellText, type Notebook, type NotebookCell, sourceLines, visibleChars } from './notebook';

/**
 * Rewrites a notebook for the student version.
 *
 * @param json the solved notebook's file contents
 * @param file its path (named in errors)
 * @returns the student notebook's file contents (nbformat's JSON layout, one-space indent)
 */
export function studentNotebook(json: string, file: string): string {
  const nb = JSON.parse(json) as Notebook;
  let answers = 0;
  nb.cells = nb.cells.map((cell, index) => {
    const where = `${file} cell ${index}`;
    const lines = cellText(cell).split('\n');
    const next: NotebookCell = { ...cell, metadata: { ...cell.metadata } };
    delete next.metadata.execution;
    if (cell.cell_type === 'code') {
      next.outputs = [];
      next.execution_count = null;
      const regions = findRegions(lines, 'code', where);
      if (regions.length > 0) next.source = sourceLines(emptyCodeBlocks(lines, regions).join('\n'));
    } else if (cell.cell_type === 'markdown') {
      const regions = findRegions(lines, 'markdown', where);
      if (regions.length > 0) {
        const blank = removeRegions(lines, regions).join('\n');
        answers++;
        next.source = sourceLines(blank);
        next.metadata.assignment = {
          answer: answers,
          regions: regions.length,
          blankChars: visibleChars(blank),
        };
      }
    }
    return next;
  });
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function removeRegions(lines: readonly string[], regions: readonly Region[]): string[] {
  const out: string[] = [];
  let next = 0;
  for (const r of regions) {
    out.push(...lines.slice(next, r.begin));
    next = r.end + 1;
  }
  out.push(...lines.slice(next));
  return out;
}

/**
 * Each region becomes an empty START/END OF YOUR CODE block: when the region already sits inside
 * such a block (only blank lines between), the block is emptied; otherwise the markers become the
 * block's lines.
 */
function emptyCodeBlocks(lines: readonly string[], regions: readonly Region[]): string[] {
  const out: string[] = [];
  let next = 0;
  for (const r of regions) {
    let before = r.begin - 1;
    while (before >= next && lines[before].trim() === '') before--;
    let after = r.end + 1;
    while (after < lines.length && lines[after].trim() === '') after++;
    const inside =
      before >= next &&
      lines[before].trim() === START_OF_YOUR_CODE &&
      after < lines.length &&
      lines[after].trim() === END_OF_YOUR_CODE;
    if (inside) {
      out.push(...lines.slice(next, before + 1));
      next = after;
    } else {
      out.push(...lines.slice(next, r.begin));
      out.push(`${r.indent}${START_OF_YOUR_CODE}`, `${r.indent}${END_OF_YOUR_CODE}`);
      next = r.end + 1;
    }
  }
  out.push(...lines.slice(next));
  return out;
}
