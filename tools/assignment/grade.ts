/**
 * npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR] [-- --csv FILE]
 *   [-- --assignment 1|2]
 *
 * Grades a project (default: this one) part by part: one part per function or notebook cell the
 * student writes and per inline answer (tools/assignment/exercises/), the parts of both of the
 * course's assignments or, with --assignment N, of assignment N only. Each library part computes
 * in its own sandbox process (sandbox.ts) with time and memory limits and is judged in the grader
 * (gradeProject.ts), so a missing, crashing or hanging function costs only its own points, and
 * student code never sees the answers or writes the grader's files. Prints a table; with --json the last line is
 * `{"score": S, "maxScore": M, "parts": [...]}`. Exits 0 whenever grading ran (whatever the score),
 * 2 on bad arguments.
 *
 * The library parts load PROJECT's lib/ (PROJECT needs its node_modules: `npm ci` there). The
 * notebook parts read PROJECT's executed notebooks (the accuracies the cells printed, the
 * answers): they do not train, so grading takes seconds; run the notebook before grading.
 *
 * --submissions DIR grades every submission in DIR (a zip made by `npm run submit`, or a folder
 * holding lib/ and notebooks/) into one table, a row per submission. Each is graded in a scratch
 * project: this project's lib/ with the files the student writes (those with solution regions)
 * taken from the submission, or their stubs when the submission lacks them, and the submission's
 * notebooks. --csv FILE also writes the table as CSV (gradeCsv.ts), a row per submission.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAssignment } from './exercises';
import { gradesCsv } from './gradeCsv';
import { formatReport, gradeProject, stopPartsOnSignal, writeReportFile } from './gradeProject';
import type { AssignmentNumber } from './gradingKit';
import { graderRoot } from './sandboxTree';

async function main(argv: string[]): Promise<void> {
  stopPartsOnSignal();
  const usage =
    'usage: npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR] [-- --csv FILE]\n' +
    '                     [-- --assignment 1|2]\n' +
    '  --dir PROJECT      grade that project (default: this one)\n' +
    '  --submissions DIR  grade every zip or folder in DIR into one table\n' +
    '  --csv FILE         also write the table as CSV (a row per submission) for a gradebook\n' +
    '  --assignment N     grade assignment N only (1 or 2; default: both)\n' +
    '  --json             end with one JSON line';
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const json = argv.includes('--json');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith('--')) {
      const what = flag === '--csv' ? 'file' : flag === '--assignment' ? 'number' : 'folder';
      console.error(`grade: ${flag} needs a ${what}\n${usage}`);
      process.exit(2);
    }
    return v;
  };
  const withValue = ['--dir', '--submissions', '--csv', '--assignment'];
  const known = new Set(['--json', ...withValue]);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--') && !known.has(argv[i])) {
      console.error(`grade: unknown option ${argv[i]}\n${usage}`);
      process.exit(2);
    }
    if (withValue.includes(argv[i])) i++;
  }
  let assignment: AssignmentNumber | undefined;
  const assignmentArg = value('--assignment');
  if (assignmentArg !== undefined) {
    try {
      assignment = parseAssignment('grade: --assignment', assignmentArg);
    } catch (e) {
      console.error(`${(e as Error).message}\n${usage}`);
      process.exit(2);
    }
  }
  const csv = value('--csv');
  if (csv && !fs.existsSync(path.dirname(path.resolve(csv)))) {
    console.error(`grade: --csv ${csv}: its folder does not exist`);
    process.exit(2);
  }
  const subs = value('--submissions');
  if (subs) {
    if (!fs.existsSync(subs)) {
      console.error(`grade: ${subs} does not exist`);
      process.exit(2);
    }
    // Teachers only: the student version has no gradeSubmissions.ts (it needs the solved files).
    if (!fs.existsSync(path.join(__dirname, 'gradeSubmissions.ts'))) {
      console.error('grade: --submissions grades with the solved project: run it there');
      process.exit(2);
    }
    const teacher = require('./gradeSubmissions') as {
      runSubmissions(
        dir: string,
        json: boolean,
        csv?: string,
        assignment?: AssignmentNumber,
      ): Promise<void>;
    };
    await teacher.runSubmissions(path.resolve(subs), json, csv && path.resolve(csv), assignment);
    return;
  }
  const dir = path.resolve(value('--dir') ?? graderRoot);
  if (!fs.existsSync(path.join(dir, 'lib'))) {
    console.error(`grade: ${dir} has no lib/ folder: not a project`);
    process.exit(2);
  }
  console.error(`[grade] ${dir}`);
  const report = await gradeProject(dir, {
    assignment,
    onPart: (r) => console.error(`[grade] ${r.title}: ${r.status} (${r.seconds} s)`),
  });
  // The table, the CSV and the JSON line all come from this one report, made after every
  // sandbox process is dead.
  if (csv) {
    await writeReportFile(csv, gradesCsv([{ submission: path.basename(dir), ...report }]));
    console.error(`[grade] wrote ${csv}`);
  }
  console.log(formatReport(report));
  if (json) console.log(JSON.stringify(report));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`grade: ${(e as Error).message}`);
    process.exit(1);
  });
}
