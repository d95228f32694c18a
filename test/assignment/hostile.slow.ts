/**
 * Hostile submissions against the grader (issue 23), on both ways a class is graded: a folder of
 * submissions through `npm run grade -- --submissions DIR --csv FILE --json` (one batch: a solved
 * control first, every attack, the untouched student version last), and the Gradescope bundle's
 * run_autograder in a temporary ROOT laid out as Gradescope does (one run per attack).
 *
 * Each attack (hostileSubmissions.ts) must get no more than its honest content (0 for all but
 * `combined`, which gets exactly its honest dropout file's points); the controls in the same batch
 * keep their marks; the printed table, results.json and the CSV agree; the grader's tree is the
 * same bytes after grading; no process an attack started survives; no secret of the grader's
 * environment and no expected answer appears in what the grader wrote; nothing is planted in the
 * temp folder.
 *
 * The grader is attacked in copies (a copy of this project, an unpacked bundle), never in this
 * checkout. Assignment 2 only, small submissions: a few minutes.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allParts } from '../../tools/assignment/exercises';
import { writeStudentVersion } from '../../tools/assignment/makeStudent';
import {
  dropoutFile,
  gradedFiles,
  type HostileSubmission,
  type HostileTargets,
  writeHostileSubmissions,
} from './hostileSubmissions';
import { pendingParts, pendingPoints, presentNotebooks } from './pendingNotebook';

/** The hostile submissions, each graded on both flows (built by hostileSubmissions.ts). */
const ATTACKS = [
  'exit-handler',
  'patch-stringify',
  'patch-math',
  'read-answers',
  'require-solved',
  'rewrite-grader',
  'detached-rewriter',
  'zip-file-for-folder.zip',
  'symlink-folder',
  'symlink-zip.zip',
  'allocate-10gb',
  'spawn-children',
  'ignore-sigterm',
  'huge-output',
  'plant-files',
  'read-environ',
  'zip-bomb.zip',
  'combined',
];

const ROOT = path.resolve(__dirname, '..', '..');
const ASSIGNMENT = 2;
/** Part time limits (the looping attacks cost this long; a loaded 2-core machine needs 30 s). */
const LIMITS = {
  GRADE_TIMEOUT_MS: '30000',
  GRADE_LOAD_TIMEOUT_MS: '20000',
  GRADE_MAX_ZIP_MB: '8',
};
const ALLOC_BYTES = Number(process.env.HOSTILE_ALLOC_MB ?? 10240) * 1024 * 1024;

const parts = allParts(ASSIGNMENT);
const maxScore = parts.reduce((s, p) => s + p.points, 0);
/** The notebooks the solved project holds (ConvolutionalNetworks' may still be absent). */
const notebooks = presentNotebooks(ROOT, ASSIGNMENT);
/** What the solved control earns: every point, but for the parts of a notebook still absent. */
const solvedScore = maxScore - pendingPoints(ROOT, ASSIGNMENT);
const pendingIds = pendingParts(ROOT, ASSIGNMENT).map((p) => p.id);

let tmp: string;
let student: string;

/** A sha256 of a tree: every path, its kind, a link's target and a file's bytes (no node_modules). */
function treeHash(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (rel: string): void => {
    const names = fs.readdirSync(path.join(dir, rel)).sort();
    for (const n of names) {
      const p = rel ? `${rel}/${n}` : n;
      if (n === 'node_modules') continue;
      const st = fs.lstatSync(path.join(dir, p));
      if (st.isSymbolicLink()) h.update(`L ${p} ${fs.readlinkSync(path.join(dir, p))}\n`);
      else if (st.isDirectory()) {
        h.update(`D ${p}\n`);
        walk(p);
      } else {
        h.update(`F ${p} ${st.mode & 0o777}\n`);
        h.update(fs.readFileSync(path.join(dir, p)));
      }
    }
  };
  walk('');
  return h.digest('hex');
}

/** Processes (pid and command line) whose command line holds any of the strings, not this one. */
function processesWith(needles: string[]): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (needles.some((n) => cmd.includes(n))) out.push({ pid: Number(p), cmd: cmd.slice(0, 200) });
  }
  return out;
}

/** Kills (by pid) the processes an attack left, so a failing run leaves none behind. */
function killAll(procs: { pid: number }[]): void {
  for (const { pid } of procs) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Every file of `names` copied from `from` into `to`. */
function copyFiles(from: string, names: string[], to: string): void {
  for (const f of names) {
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}

/** The student version's text of every graded file. */
function stubTexts(): Map<string, string> {
  return new Map(gradedFiles().map((f) => [f, fs.readFileSync(path.join(student, f), 'utf8')]));
}

const solvedText = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');

/** Strings that must never appear in a grade: the secret, and expected answers of the graded cases. */
function forbiddenStrings(secret: string): string[] {
  const out = [secret];
  const name = path.basename(dropoutFile(), '.ts');
  for (const f of [
    `test/fixtures/grading/answers/${name}.json`,
    `test/fixtures/grading/${name}.json`,
  ]) {
    if (!fs.existsSync(path.join(ROOT, f))) continue;
    const j = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as {
      backward?: { dx?: { data: number[] } }[];
    };
    // Full-precision values only (a dropped unit's 0 would match anything).
    for (const c of j.backward ?? []) {
      for (const v of c.dx?.data ?? []) if (String(v).length >= 12) out.push(String(v));
    }
  }
  return out;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-hostile-test-'));
  // Reachable by every user, as Gradescope's /autograder is: run as root, the grader's sandbox
  // runs as nobody and must read the inputs and node_modules of the grader copies under here
  // (in a folder only root can enter, every part would crash and every attack score 0 for that).
  fs.chmodSync(tmp, 0o755);
  student = path.join(tmp, 'student');
  writeStudentVersion(ROOT, student);
}, 600_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Files an attack planted beside the grader's temp folder (in this test's folder). */
const planted = (): string[] => fs.readdirSync(tmp).filter((f) => f.startsWith('planted-'));

/** One row of the printed table: the points of each part and the total. */
function printedRow(stdout: string, name: string): { points: number[]; score: number } | null {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) return null;
  const cells = line.trim().split(/\s+/);
  return {
    points: cells.slice(1, 1 + parts.length).map(Number),
    score: Number(cells[cells.length - 3]),
  };
}

interface Row {
  submission: string;
  score: number;
  maxScore: number;
  parts: { id: string; points: number; status: string; detail: string }[];
  notes?: string[];
}

describe('npm run grade -- --submissions: a batch of hostile submissions', () => {
  let teacher: string;
  let subs: string;
  let csvFile: string;
  let plantDir: string;
  let graderTmp: string;
  let hostile: HostileSubmission[];
  let run: { status: number | null; stdout: string; stderr: string };
  let rows: Row[] | null = null;
  let csv: string[][] = [];
  let hashBefore: string;
  let hashAfter: string;
  let survivors: { pid: number; cmd: string }[] = [];
  let secret: string;
  let tag: string;

  beforeAll(() => {
    // The teacher's project, copied: attacks that win would rewrite the copy, not this checkout.
    teacher = path.join(tmp, 'teacher');
    fs.cpSync(ROOT, teacher, {
      recursive: true,
      filter: (src) =>
        !['node_modules', '.git', '.venv', 'data'].includes(path.basename(src)) ||
        path.dirname(src) !== ROOT,
    });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(teacher, 'node_modules'), 'dir');
    subs = path.join(tmp, 'submissions');
    csvFile = path.join(tmp, 'grades.csv');
    plantDir = path.join(tmp, 'plant');
    graderTmp = path.join(tmp, 'grader-tmp');
    for (const d of [subs, plantDir, graderTmp]) fs.mkdirSync(d);
    secret = `s${crypto.randomBytes(12).toString('hex')}`;
    tag = `hostile-${crypto.randomBytes(6).toString('hex')}`;
    const targets: HostileTargets = {
      solvedRoot: ROOT,
      graderRoot: teacher,
      csvFile,
      submissionsDir: subs,
      plantDir,
      secret,
      tag,
      allocBytes: ALLOC_BYTES,
    };
    // Controls: the solved lib files and executed notebooks first, the student version last. Every
    // file a student writes goes in (assignment 2's parts also call assignment 1's layers, in
    // affine.ts, relu.ts and losses.ts), as npm run submit packs them.
    const written = [...new Set(allParts().map((p) => p.file))].filter((f) => f.startsWith('lib/'));
    copyFiles(ROOT, [...written, ...notebooks], path.join(subs, '00-solved'));
    copyFiles(student, [...written, ...notebooks], path.join(subs, 'zz-student'));
    hostile = writeHostileSubmissions(subs, targets, stubTexts(), solvedText);
    hashBefore = treeHash(teacher);
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/grade.ts',
        '--submissions',
        subs,
        '--assignment',
        String(ASSIGNMENT),
        '--json',
        '--csv',
        csvFile,
      ],
      {
        cwd: teacher,
        encoding: 'utf8',
        timeout: 1_500_000,
        maxBuffer: 1 << 30,
        env: { ...process.env, ...LIMITS, TMPDIR: graderTmp, HOSTILE_SECRET: secret },
      },
    );
    run = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    // A detached child may still be waiting to rewrite the CSV: give it time to try.
    spawnSync('sleep', ['3']);
    try {
      rows = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { submissions: Row[] })
        .submissions;
    } catch {
      rows = null;
    }
    csv = fs.existsSync(csvFile)
      ? fs
          .readFileSync(csvFile, 'utf8')
          .split('\r\n')
          .filter(Boolean)
          .map((l) => l.split(','))
      : [];
    hashAfter = treeHash(teacher);
    survivors = processesWith([tag, teacher]);
    killAll(survivors);
  }, 1_600_000);

  const row = (name: string): Row | undefined => rows?.find((r) => r.submission === name);

  /** What holds for the whole batch, checked with every attack. */
  function expectBatchIntact(): void {
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(rows?.map((r) => r.submission)).toEqual(
      ['00-solved', ...hostile.map((h) => h.name), 'zz-student'].sort(),
    );
    expect(hashAfter, 'the grader tree changed').toBe(hashBefore);
    expect(survivors).toEqual([]);
    expect(fs.readdirSync(plantDir)).toEqual([]);
    expect(planted()).toEqual([]);
    const written = `${run.stdout}\n${csv.map((c) => c.join(',')).join('\n')}`;
    for (const s of forbiddenStrings(secret)) expect(written).not.toContain(s);
    // The controls keep their marks.
    expect(row('00-solved')?.score).toBe(solvedScore);
    expect(row('zz-student')?.score).toBe(0);
  }

  /** The printed table, the JSON line and the CSV say the same of a row. */
  function expectAgree(name: string): void {
    const r = row(name) as Row;
    const printed = printedRow(run.stdout, name);
    expect(printed?.score, `${name}: printed total`).toBe(r.score);
    expect(printed?.points).toEqual(r.parts.map((p) => p.points));
    const header = csv[0] ?? [];
    const line = csv.find((c) => c[0] === name);
    expect(line?.[1], `${name}: CSV score`).toBe(String(r.score));
    expect(csv.filter((c) => c[0] === name)).toHaveLength(1);
    for (const p of r.parts) expect(line?.[header.indexOf(p.id)], p.id).toBe(String(p.points));
    expect(csv.length).toBe((rows?.length ?? 0) + 1);
  }

  it('grades the solved control fully and the student version 0, table, JSON and CSV agreeing', () => {
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    // Which parts of the solved control did not pass, and why (before the totals are compared).
    const notOk = row('00-solved')?.parts.filter((p) => p.status !== 'ok') ?? [];
    expect(
      notOk.map((p) => p.id),
      JSON.stringify(notOk.map((p) => `${p.id} ${p.status}: ${p.detail}`)),
    ).toEqual(pendingIds);
    expectBatchIntact();
    expect(row('zz-student')?.parts.some((p) => p.status === 'ok')).toBe(false);
    expectAgree('00-solved');
    expectAgree('zz-student');
  });

  for (const name of ATTACKS) {
    it(`${name}: no more than its honest content`, () => {
      const h = hostile.find((x) => x.name === name) as HostileSubmission;
      expect(h, name).toBeDefined();
      const r = row(name);
      expect(r, `${name} has a row`).toBeDefined();
      expect(
        r?.score,
        `${name} (${h.attack}): ${JSON.stringify(r?.parts.filter((p) => p.points > 0).map((p) => p.id))}`,
      ).toBe(h.honestPoints);
      if (name === 'combined') {
        const honest = parts.filter((p) => p.file === dropoutFile()).map((p) => p.id);
        expect(r?.parts.filter((p) => p.points > 0).map((p) => p.id)).toEqual(honest);
      }
      if (name === 'allocate-10gb') {
        const p = r?.parts.find((x) => x.id === 'dropout:forward');
        expect(`${p?.status} ${p?.detail}`).toMatch(/memory/i);
      }
      for (const n of r?.notes ?? []) expect(n).not.toContain('\n');
      expectAgree(name);
      expectBatchIntact();
    });
  }
});

describe('run_autograder in a Gradescope-laid-out ROOT: one hostile submission per run', () => {
  // As on Gradescope, every submission is graded in a fresh ROOT: an attack that wins shows in its
  // own run (the batch above shows what it does to the students graded after it).
  let root: string;
  let source: string;
  let hashBefore: string;
  let bundle: Record<string, Uint8Array>;
  let made: string;
  let hostile: HostileSubmission[];
  let targets: HostileTargets;

  beforeAll(() => {
    const zipFile = path.join(tmp, 'autograder.zip');
    const built = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/autograder.ts',
        '--out',
        zipFile,
        '--assignment',
        String(ASSIGNMENT),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    expect(built.status, built.stderr).toBe(0);
    root = path.join(tmp, 'gradescope');
    source = path.join(root, 'source');
    bundle = unzipSync(new Uint8Array(fs.readFileSync(zipFile)));
    made = path.join(tmp, 'gradescope-submissions');
    fs.mkdirSync(made);
    const plantDir = path.join(tmp, 'gradescope-plant');
    fs.mkdirSync(plantDir);
    targets = {
      solvedRoot: ROOT,
      graderRoot: path.join(source, 'grader'),
      autograderRoot: root,
      submissionsDir: path.join(root, 'submission'),
      plantDir,
      secret: `s${crypto.randomBytes(12).toString('hex')}`,
      tag: `hostile-${crypto.randomBytes(6).toString('hex')}`,
      allocBytes: ALLOC_BYTES,
    };
    hostile = writeHostileSubmissions(made, targets, stubTexts(), solvedText);
    // The grader tree as an honest run leaves it: run_autograder itself makes the answers root's
    // only (modes 700/600) and the grader's folder read-only for others, so the tree every attack's
    // run must leave is the one after grading the untouched student version (which gets 0).
    const control = grade((sub) => copyFiles(student, gradedFiles(), sub), { baseline: true });
    expect(control.score).toBe(0);
    // Its library parts ran in the sandbox and found the stubs (a sandbox that cannot start would
    // give every attack 0 and prove nothing).
    const library = new Set(parts.filter((p) => p.kind === 'library').map((p) => p.id));
    const ran = control.tests.filter((_t, i) => library.has(parts[i].id));
    expect(ran.length).toBe(library.size);
    for (const t of ran) expect(t.output, t.name).toMatch(/^missing: /);
  }, 600_000);

  /** ROOT/source as Gradescope unpacks the bundle, afresh (each submission gets a new one). */
  function unpackBundle(): void {
    fs.rmSync(source, { recursive: true, force: true });
    for (const [name, data] of Object.entries(bundle)) {
      if (name.endsWith('/')) continue;
      const dest = path.join(source, name);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, data);
    }
    fs.chmodSync(path.join(source, 'run_autograder'), 0o755);
    fs.chmodSync(path.join(source, 'setup.sh'), 0o755);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'grader', 'node_modules'));
  }

  /**
   * Lays out a fresh ROOT (source/ from the bundle, submission/ from `fill`), runs run_autograder,
   * checks what every run must hold.
   */
  function grade(fill: (submission: string) => void, options: { baseline?: boolean } = {}) {
    unpackBundle();
    const submission = path.join(root, 'submission');
    const results = path.join(root, 'results');
    const graderTmp = path.join(tmp, 'gradescope-tmp');
    for (const d of [submission, results, graderTmp]) {
      fs.rmSync(d, { recursive: true, force: true });
      fs.mkdirSync(d);
    }
    // What an earlier run planted (when the grader let it) is not this run's doing.
    for (const f of planted()) fs.rmSync(path.join(tmp, f), { force: true });
    fill(submission);
    const run = spawnSync(path.join(source, 'run_autograder'), [], {
      cwd: root,
      encoding: 'utf8',
      timeout: 900_000,
      maxBuffer: 1 << 30,
      env: {
        ...process.env,
        ...LIMITS,
        AUTOGRADER_ROOT: root,
        TMPDIR: graderTmp,
        HOSTILE_SECRET: targets.secret,
      },
    });
    spawnSync('sleep', ['3']);
    const survivors = processesWith([targets.tag, source]);
    killAll(survivors);
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const text = fs.readFileSync(path.join(results, 'results.json'), 'utf8');
    const r = JSON.parse(text) as {
      score: number;
      output: string;
      tests: { name: string; score: number; max_score: number; output: string }[];
    };
    // What it printed and what it wrote agree; the file is the grader's.
    const printed = /\[autograder\] (\d+) points; wrote/.exec(run.stdout);
    expect(Number(printed?.[1]), run.stdout.slice(-1000)).toBe(r.score);
    expect(r.score).toBe(r.tests.reduce((s, t) => s + t.score, 0));
    expect(r.tests.map((t) => t.max_score)).toEqual(parts.map((p) => p.points));
    expect(fs.readdirSync(results)).toEqual(['results.json']);
    if (options.baseline) hashBefore = treeHash(source);
    expect(treeHash(source), 'the grader tree changed').toBe(hashBefore);
    expect(survivors).toEqual([]);
    expect(fs.readdirSync(targets.plantDir)).toEqual([]);
    expect(planted()).toEqual([]);
    for (const s of forbiddenStrings(targets.secret)) expect(text).not.toContain(s);
    return r;
  }

  for (const name of ATTACKS) {
    it(`${name}: no more than its honest content`, () => {
      const h = hostile.find((x) => x.name === name) as HostileSubmission;
      const r = grade((sub) => {
        const from = path.join(made, name);
        if (name.endsWith('.zip')) fs.copyFileSync(from, path.join(sub, 'submission.zip'));
        else fs.cpSync(from, sub, { recursive: true, verbatimSymlinks: true });
      });
      const won = r.tests
        .filter((t) => t.score > 0 || t.name.startsWith('dropout:'))
        .map((t) => `${t.name} ${t.score} (${t.output.slice(0, 100)})`);
      expect(r.score, `${name} (${h.attack}): ${JSON.stringify(won)}`).toBe(h.honestPoints);
    }, 900_000);
  }
});
