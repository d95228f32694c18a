/**
 * The Gradescope side of the autograder bundle (`npm run autograder`): run by the bundle's
 * run_autograder as `node --import tsx tools/assignment/gradescope.ts --assignment N`, it grades
 * assignment N of the submission Gradescope laid out in ROOT/submission (the files of
 * submission.zip, or the zip itself) with this project's grader and writes
 * ROOT/results/results.json in Gradescope's format: `score`, `execution_time`, `output` (the notes
 * on the submission), `visibility`, `stdout_visibility`, and `tests[]` with one test per part
 * (`name`, `number`, `score`, `max_score`, `status`, `output`, `visibility`). ROOT is
 * AUTOGRADER_ROOT, else /autograder (Gradescope's).
 *
 * results.json is written whatever happens (an unexpected error gives score 0 and says why), so a
 * submission always gets a result; the exit code is 0 then too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allParts, parseAssignment } from './exercises';
import { exerciseOf, type GradeReport, stopPartsOnSignal, writeReportFile } from './gradeProject';
import { gradeSubmission } from './gradeSubmissions';
import type { AssignmentNumber } from './gradingKit';

/** Gradescope's visibility values. */
export type Visibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

/** One test of results.json. */
export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: Visibility;
}

/** results.json. */
export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  visibility: Visibility;
  stdout_visibility: Visibility;
  tests: GradescopeTest[];
}

/** The folder to grade inside ROOT/submission: itself, or the one zip it holds. */
export function submissionPath(dir: string): string {
  if (!fs.existsSync(dir)) throw new Error(`no submission folder at ${dir}`);
  const entries = fs.readdirSync(dir);
  const zips = entries.filter((e) => e.endsWith('.zip'));
  const unpacked = entries.some((e) => e === 'lib' || e === 'notebooks');
  return !unpacked && zips.length === 1 ? path.join(dir, zips[0]) : dir;
}

/** A grade report as Gradescope's results.json. */
export function toResults(report: GradeReport, seconds: number): GradescopeResults {
  const tests = report.parts.map((p, i) => ({
    name: `${exerciseOf(p.id)}: ${p.title}`,
    number: String(i + 1),
    score: p.points,
    max_score: p.maxPoints,
    status: p.status === 'ok' ? ('passed' as const) : ('failed' as const),
    output: `${p.status}: ${p.detail}`,
    visibility: 'visible' as const,
  }));
  const notes = report.notes ?? [];
  const output = [
    `${report.score} / ${report.maxScore} points`,
    ...(notes.length > 0 ? ['', 'About this submission:', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
  return {
    score: report.score,
    execution_time: Math.round(seconds),
    output,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
  };
}

/** results.json when grading itself failed: every test 0, the reason in the output. */
function failedResults(
  reason: string,
  seconds: number,
  assignment?: AssignmentNumber,
): GradescopeResults {
  return {
    score: 0,
    execution_time: Math.round(seconds),
    output: `The autograder could not grade this submission: ${reason}`,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: allParts(assignment).map((p, i) => ({
      name: `${exerciseOf(p.id)}: ${p.title}`,
      number: String(i + 1),
      score: 0,
      max_score: p.points,
      status: 'failed',
      output: reason,
      visibility: 'visible',
    })),
  };
}

async function main(argv: string[]): Promise<void> {
  stopPartsOnSignal();
  const root = path.resolve(process.env.AUTOGRADER_ROOT || '/autograder');
  const out = path.join(root, 'results', 'results.json');
  const start = Date.now();
  let results: GradescopeResults;
  let assignment: AssignmentNumber | undefined;
  try {
    const i = argv.indexOf('--assignment');
    if (i >= 0) assignment = parseAssignment('gradescope: --assignment', argv[i + 1]);
    const submission = submissionPath(path.join(root, 'submission'));
    console.log(`[autograder] grading ${submission}`);
    const report = await gradeSubmission(submission, assignment);
    results = toResults(report, (Date.now() - start) / 1000);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    console.log(`[autograder] ${reason}`);
    results = failedResults(reason, (Date.now() - start) / 1000, assignment);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await writeReportFile(out, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`[autograder] ${results.score} points; wrote ${out}`);
}

if (require.main === module) void main(process.argv.slice(2));
