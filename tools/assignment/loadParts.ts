/**
 * One part per graded lib/ file that only loads it (`load:lib/x.ts`): what the grader runs in
 * the sandbox to find a submitted file that throws or hangs at import (scratchProject.ts), before
 * grading. Its compute returns null; there is nothing to judge.
 */
import { allParts as gradedParts } from './exercises';
import type { LibraryPart } from './gradingKit';

/** The load parts, one per graded lib/ file. */
export function allParts(): LibraryPart[] {
  const files = [...new Set(gradedParts().map((p) => p.file))].filter((f) => f.startsWith('lib/'));
  return files.map((file) => ({
    kind: 'library',
    id: `load:${file}`,
    title: `loads ${file}`,
    points: 0,
    file,
    timeoutMs: 15_000,
    compute(ctx) {
      ctx.load(file.replace(/\.ts$/, ''));
      return null;
    },
    judge: () => 'loaded',
  }));
}
