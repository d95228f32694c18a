/**
 * npm run grade -- --submissions DIR (teachers): grades every submission in DIR (a zip made by
 * `npm run submit`, or a folder holding lib/ and notebooks/) into one table, a row per
 * submission, each in a scratch project (scratchProject.ts: the submission's graded lib/ files
 * and notebooks in the grader's own project). What was wrong with a submission (a file that does
 * not compile, entries outside the zip's folder, edited tests) is a note under the table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allParts } from './exercises';
import { type GradedRow, gradesCsv } from './gradeCsv';
import { exerciseOf, type GradeReport, gradeProject, writeReportFile } from './gradeProject';
import type { AssignmentNumber } from './gradingKit';
import { SubmissionRefused, scratchProject } from './scratchProject';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The report of a submission that could not be graded: every part 0, the reason as its detail. */
function refusedReport(reason: string, assignment?: AssignmentNumber): GradeReport {
  const parts = allParts(assignment).map((p) => ({
    id: p.id,
    title: p.title,
    file: p.file,
    points: 0,
    maxPoints: p.points,
    status: 'fail' as const,
    detail: reason,
    seconds: 0,
  }));
  return {
    score: 0,
    maxScore: parts.reduce((s, p) => s + p.maxPoints, 0),
    parts,
    notes: [reason],
  };
}

/** Why a submission could not be graded, in one line. */
function oneLine(e: unknown, submission: string): string {
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
  return e instanceof SubmissionRefused
    ? msg
    : `${path.basename(submission)} could not be graded (${msg}): not graded`;
}

/**
 * Grades one submission (a zip or a folder) in its scratch project: the parts of one assignment,
 * or of every assignment when none is given.
 * @returns the report, with `notes` saying what of the submission was ignored or replaced
 */
export async function gradeSubmission(
  submission: string,
  assignment?: AssignmentNumber,
): Promise<GradeReport> {
  let scratch: Awaited<ReturnType<typeof scratchProject>>;
  try {
    scratch = await scratchProject(submission, assignment);
  } catch (e) {
    return refusedReport(oneLine(e, submission), assignment);
  }
  try {
    const report = await gradeProject(scratch.dir, { assignment });
    return { ...report, notes: scratch.notes };
  } catch (e) {
    // Whatever went wrong costs this submission its row, never the batch.
    return refusedReport(oneLine(e, submission), assignment);
  } finally {
    scratch.cleanup();
  }
}

/** Grades every submission (zip or folder) in a folder: one row per submission. */
export async function gradeSubmissions(
  folder: string,
  onRow?: (name: string, r: GradeReport) => void,
  assignment?: AssignmentNumber,
): Promise<GradedRow[]> {
  // A link is not followed (it could point anywhere in the teacher's files).
  const entries = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isFile() && e.name.endsWith('.zip')))
    .map((e) => e.name)
    .sort();
  const rows: GradedRow[] = [];
  for (const name of entries) {
    const report = await gradeSubmission(path.join(folder, name), assignment);
    onRow?.(name, report);
    rows.push({ submission: name, ...report });
  }
  return rows;
}

/** The table of several submissions: a row each, a column per part, then the notes. */
export function formatSubmissions(
  rows: readonly GradedRow[],
  assignment?: AssignmentNumber,
): string {
  const parts = allParts(assignment);
  const w = Math.max(10, ...rows.map((r) => r.submission.length));
  const head = [pad('submission', w), ...parts.map((_p, i) => pad(`p${i + 1}`, 4)), 'total'].join(
    ' ',
  );
  const legend = parts
    .map((p, i) => `p${i + 1} = ${exerciseOf(p.id)}: ${p.title} (${p.points})`)
    .join('; ');
  const body = rows.map((r) =>
    [
      pad(r.submission, w),
      ...r.parts.map((p) => pad(String(p.points), 4)),
      `${r.score} / ${r.maxScore}`,
    ].join(' '),
  );
  const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `${r.submission}: ${n}`));
  return [head, ...body, '', legend, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/**
 * Grades a folder of submissions (for one assignment, or for all) and prints the table (and a JSON
 * line with --json); with `csv`, also writes the table to that file as CSV.
 */
export async function runSubmissions(
  folder: string,
  json: boolean,
  csv?: string,
  assignment?: AssignmentNumber,
): Promise<void> {
  const rows = await gradeSubmissions(
    folder,
    (name, r) => console.error(`[grade] ${name}: ${r.score} / ${r.maxScore}`),
    assignment,
  );
  // The table, the CSV and the JSON line all come from these rows, made after every sandbox
  // process is dead.
  if (csv) {
    await writeReportFile(csv, gradesCsv(rows));
    console.error(`[grade] wrote ${csv} (${rows.length} rows)`);
  }
  console.log(formatSubmissions(rows, assignment));
  if (json) console.log(JSON.stringify({ submissions: rows }));
}
