/**
 * Solution regions (nbgrader's convention): in code, the lines `// BEGIN SOLUTION` and
 * `// END SOLUTION`; in markdown, `<!-- BEGIN SOLUTION -->` and `<!-- END SOLUTION -->`. A marker is
 * a line of its own (leading and trailing spaces allowed); regions do not nest.
 */

/** One region: the line indices of its BEGIN and END markers (inclusive). */
export interface Region {
  begin: number;
  end: number;
  /** The BEGIN line's leading whitespace. */
  indent: string;
}

/** Which marker syntax a text uses. */
export type MarkerStyle = 'code' | 'markdown';

const MARKERS: Record<MarkerStyle, { begin: string; end: string }> = {
  code: { begin: '// BEGIN SOLUTION', end: '// END SOLUTION' },
  markdown: { begin: '<!-- BEGIN SOLUTION -->', end: '<!-- END SOLUTION -->' },
};

/** The assignment's lines around a notebook code block the student fills in. */
export const START_OF_YOUR_CODE =
  '// *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****';
export const END_OF_YOUR_CODE = '// *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****';

/** True when the line is the given marker. */
export function isMarker(line: string, style: MarkerStyle, which: 'begin' | 'end'): boolean {
  return line.trim() === MARKERS[style][which];
}

/** True when any line is a solution marker of either style. */
export function hasMarkers(text: string): boolean {
  return text.split('\n').some((l) => {
    const t = l.trim();
    return t === MARKERS.code.begin || t === MARKERS.markdown.begin;
  });
}

/**
 * The solution regions of a text, in order.
 *
 * @param lines the text split on '\n'
 * @param style marker syntax
 * @param where file (and cell) named in errors
 * @throws Error on an END without BEGIN, a BEGIN inside a region, or a region left open
 */
export function findRegions(lines: readonly string[], style: MarkerStyle, where: string): Region[] {
  const regions: Region[] = [];
  let open: Region | null = null;
  lines.forEach((line, i) => {
    if (isMarker(line, style, 'begin')) {
      if (open) {
        throw new Error(
          `${where}:${i + 1}: BEGIN SOLUTION inside the region opened at line ${open.begin + 1}`,
        );
      }
      open = { begin: i, end: -1, indent: /^\s*/.exec(line)?.[0] ?? '' };
    } else if (isMarker(line, style, 'end')) {
      if (!open) throw new Error(`${where}:${i + 1}: END SOLUTION without a BEGIN SOLUTION`);
      regions.push({ ...(open as Region), end: i });
      open = null;
    }
  });
  if (open) {
    throw new Error(`${where}:${(open as Region).begin + 1}: BEGIN SOLUTION is never closed`);
  }
  return regions;
}

/** The lines strictly inside the regions (the solution itself). */
export function solutionLines(lines: readonly string[], regions: readonly Region[]): string[] {
  return regions.flatMap((r) => lines.slice(r.begin + 1, r.end));
}
