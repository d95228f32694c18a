/**
 * The class table as CSV for a gradebook (`npm run grade -- --submissions DIR --csv FILE`): one
 * row per submission; columns `submission`, `score`, `max_score`, one per exercise graded (its
 * points), one per part (named by the part id, e.g. `knn:two_loops`), then `notes` (what of the
 * submission was ignored or replaced, joined by " | "). Written atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exercises } from './exercises';
import type { GradeReport } from './gradeProject';
import { writeReportFile } from './gradeProject';

/** One graded submission. */
export type GradedRow = { submission: string } & GradeReport;

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV text of the rows (header first, CRLF line ends as RFC 4180 has them). The columns are
 * those of the exercises the rows were graded on (one assignment, or all).
 */
export function gradesCsv(rows: readonly GradedRow[]): string {
  const graded = new Set(rows.flatMap((r) => r.parts.map((p) => p.id)));
  const shown = exercises.filter((e) => graded.size === 0 || e.parts.some((p) => graded.has(p.id)));
  const parts = shown.flatMap((e) => e.parts);
  const header = [
    'submission',
    'score',
    'max_score',
    ...shown.map((e) => e.name),
    ...parts.map((p) => p.id),
    'notes',
  ];
  const lines = [header];
  for (const r of rows) {
    const byId = new Map(r.parts.map((p) => [p.id, p.points]));
    const exerciseScore = (name: string): number =>
      r.parts.filter((p) => p.id.startsWith(`${name}:`)).reduce((s, p) => s + p.points, 0);
    lines.push([
      r.submission,
      String(r.score),
      String(r.maxScore),
      ...shown.map((e) => String(exerciseScore(e.name))),
      ...parts.map((p) => String(byId.get(p.id) ?? 0)),
      (r.notes ?? []).join(' | '),
    ]);
  }
  return `${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/**
 * Writes the CSV to a file atomically (a temporary file beside it, then a rename), once no
 * sandbox process is alive.
 * @throws Error naming the file when its folder does not exist
 */
export async function writeGradesCsv(file: string, rows: readonly GradedRow[]): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`grade: --csv ${file}: folder ${dir} does not exist`);
  await writeReportFile(file, gradesCsv(rows));
}
