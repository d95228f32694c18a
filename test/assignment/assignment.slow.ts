/**
 * Assignment mode end to end: the student version made from this repository (same bytes twice, no
 * solution line left, stubs that compile under strict and say what to write), its notebook run by
 * real nbconvert, the grades of the solved project (all five exercises), the fresh student version
 * and the student version with each solved lib file put back, a folder of submissions graded into
 * one table and its CSV, bad submissions, the Gradescope bundle run against a temporary
 * /autograder root, and the submission zip with its refusals and its PDF.
 *
 * Slow (about five minutes on the shared 2-core machine at a load average of 5 to 8): every grade
 * starts one process per part. The nbconvert, HTML and PDF tests need the project's .venv
 * (npm run setup:python), the PDF test also Chromium and pdftotext (scripts/setup-system.sh), the
 * nbconvert test the dataset (CIFAR10_DIR or data/cifar-10-batches-bin); without them they are
 * reported as skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelSpec } from '../../jupyter/kernel/kernelspec';
import { allParts, exercisesOf } from '../../tools/assignment/exercises';
import { csvField } from '../../tools/assignment/gradeCsv';
import { type GradeReport, gradePart } from '../../tools/assignment/gradeProject';
import type { AssignmentNumber } from '../../tools/assignment/gradingKit';
import { printedText } from '../../tools/assignment/gradingKit';
import {
  buildStudentVersion,
  projectFiles,
  writeStudentVersion,
} from '../../tools/assignment/makeStudent';
import { findRegions } from '../../tools/assignment/markers';
import { cellText, type Notebook } from '../../tools/assignment/notebook';
import { buildSubmission, notebookProblem } from '../../tools/assignment/submit';
import { NO_BROWSER } from '../../tools/assignment/submitPdf';
import {
  notebookPending,
  PENDING_NOTEBOOK,
  pendingParts,
  pendingPoints,
  presentNotebooks,
} from './pendingNotebook';

const ROOT = path.resolve(__dirname, '..', '..');
const NOTEBOOK = 'notebooks/assignment1/two_layer_net.ipynb';
const JUPYTER = path.join(ROOT, '.venv', 'bin', 'jupyter');
const CIFAR = process.env.CIFAR10_DIR ?? path.join(ROOT, 'data', 'cifar-10-batches-bin');
const haveJupyter = fs.existsSync(JUPYTER);
const haveData = fs.existsSync(path.join(CIFAR, 'test_batch.bin'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

/**
 * What of a markdown answer must appear in the PDF's text: its longest run (at most eight) of
 * plain words (no markup or math, which rendering changes), or, for a short answer such as
 * "1, 2 and 3.", the whole answer without emphasis marks.
 */
function answerSnippet(markdown: string): string {
  let best: string[] = [];
  let run: string[] = [];
  for (const w of markdown.split(/\s+/)) {
    run = /^[A-Za-z][A-Za-z'-]*[.,;:]?$/.test(w) ? [...run, w] : [];
    if (run.length > best.length) best = run.slice(0, 8);
  }
  if (best.length >= 3) return best.join(' ');
  const whole = markdown.replace(/[*_]/g, '').replace(/\s+/g, ' ').trim();
  expect(whole.length, `a short answer: "${whole}"`).toBeLessThan(40);
  return whole;
}

let tmp: string;
let student: string;

/** Every file under a folder (relative paths, sorted), without node_modules. */
function walk(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === 'node_modules') return [];
      return e.isDirectory() ? walk(dir, p) : [p];
    })
    .sort();
}

/** A copy of the student version with this project's node_modules linked in. */
function studentCopy(name: string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(student, dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'node_modules',
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `npm run grade -- --json` as a student or teacher would run it; the parsed last line. */
function grade(args: string[]): { report: GradeReport; status: number | null; stdout: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'tools/assignment/grade.ts', '--json', ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 900_000,
    },
  );
  const last = run.stdout.trim().split('\n').pop() ?? '';
  return { report: JSON.parse(last) as GradeReport, status: run.status, stdout: run.stdout };
}

function pointsOf(file: string, assignment?: AssignmentNumber): number {
  return allParts(assignment)
    .filter((p) => p.file === file)
    .reduce((s, p) => s + p.points, 0);
}

/** The points of a list of parts. */
const total = (parts: readonly { points: number }[]): number =>
  parts.reduce((s, p) => s + p.points, 0);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-assignment-test-'));
  // Reachable by every user, as Gradescope's /autograder is: the grader's sandbox runs as nobody
  // when the tests run as root, and reads the bundle's node_modules and inputs under here.
  fs.chmodSync(tmp, 0o755);
  student = path.join(tmp, 'student');
  writeStudentVersion(ROOT, student);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(student, 'node_modules'), 'dir');
}, 600_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A notebook file, parsed. */
const nb = (file: string): Notebook => JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;

/**
 * Executes a notebook of the student version through nbconvert on a kernel started in the student
 * version (ci budget). Every code cell must run, none fail, and whatever a cell wrote to stderr
 * must be the one line of an unwritten function.
 * @returns the executed notebook's path and the stderr texts, in order
 */
function executeStudentNotebook(notebook: string): { out: string; stderr: string[] } {
  const kernels = path.join(tmp, 'jupyter', 'kernels', 'tslab-student');
  fs.mkdirSync(kernels, { recursive: true });
  fs.writeFileSync(
    path.join(kernels, 'kernel.json'),
    JSON.stringify({ ...kernelSpec(student), display_name: 'TypeScript (student version)' }),
  );
  const outDir = path.join(tmp, 'executed');
  const run = spawnSync(
    JUPYTER,
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=tslab-student',
      '--ExecutePreprocessor.timeout=600',
      '--output-dir',
      outDir,
      path.join(student, notebook),
    ],
    {
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        ...process.env,
        CIFAR10_DIR: CIFAR,
        CS231N_BUDGET: 'ci',
        JUPYTER_PLATFORM_DIRS: '1',
        JUPYTER_PATH: path.join(tmp, 'jupyter'),
      },
    },
  );
  expect(run.status, run.stderr.slice(-3000)).toBe(0);
  const out = path.join(outDir, path.basename(notebook));
  const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook;
  const outputs = nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (c.outputs ?? []) as { output_type: string; name?: string; text?: string[] }[]);
  // Every code cell ran (it printed), none failed, none shows a stack trace.
  expect(outputs.every((o) => o.length > 0)).toBe(true);
  expect(outputs.flat().filter((o) => o.output_type === 'error')).toEqual([]);
  const stderr = outputs
    .flat()
    .filter((o) => o.name === 'stderr')
    .map((o) => (o.text ?? []).join(''));
  for (const text of stderr) {
    expect(text).toMatch(/^\S+( constructor)? is not implemented yet: write it in lib\/\S+\.ts\n$/);
  }
  return { out, stderr };
}

describe('the student version', () => {
  it('is byte-identical when made twice from the same input', () => {
    const again = path.join(tmp, 'again');
    writeStudentVersion(ROOT, again);
    const files = walk(student);
    expect(walk(again)).toEqual(files);
    for (const f of files) {
      expect(
        fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(student, f))),
        f,
      ).toBe(true);
    }
    expect(files).toContain('lib/layers/affine.ts');
    expect(files).toContain(NOTEBOOK);
    expect(files).toContain('package.json');
  });

  it('keeps no solution line and leaves out the numpy reference implementations', () => {
    // Lines inside the solved project's regions that appear nowhere outside them.
    const inside = new Set<string>();
    const outside = new Set<string>();
    const collect = (lines: string[], style: 'code' | 'markdown', where: string): void => {
      const regions = findRegions(lines, style, where);
      lines.forEach((l, i) => {
        const t = l.trim();
        if (regions.some((r) => i > r.begin && i < r.end)) inside.add(t);
        else outside.add(t);
      });
    };
    let regionCount = 0;
    // Every file the student version is made from (tracked or new; not the omitted ones).
    const sources = projectFiles(ROOT).filter(
      (f) => !/^(bench|scripts\/fixtures|test\/assignment|tools\/assignment)\//.test(f),
    );
    for (const f of sources) {
      if (f.endsWith('.ipynb')) {
        const nb = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Notebook;
        for (const [i, c] of nb.cells.entries()) {
          const lines = cellText(c).split('\n');
          const style = c.cell_type === 'code' ? 'code' : 'markdown';
          regionCount += findRegions(lines, style, `${f} ${i}`).length;
          collect(lines, style, `${f} ${i}`);
        }
      } else if (/\.(ts|js|json|md|sh|py)$/.test(f)) {
        const lines = fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n');
        regionCount += findRegions(lines, 'code', f).length;
        collect(lines, 'code', f);
      }
    }
    expect(regionCount).toBeGreaterThanOrEqual(12);
    const solution = [...inside].filter(
      (l) => !outside.has(l) && l.replace(/[\s{}()[\];,.'"`]/g, '').length >= 8,
    );
    expect(solution.length).toBeGreaterThan(30);

    const leaks: string[] = [];
    for (const f of walk(student)) {
      const text = fs.readFileSync(path.join(student, f), 'utf8');
      // A marker line left behind (docs that name the markers inside a sentence are no region;
      // a notebook's cell lines are JSON strings: an opening quote may come first).
      const marker = /^\s*"?(\/\/|#|<!--)\s*(BEGIN|END) SOLUTION/m;
      if (!f.startsWith('tools/assignment/') && marker.test(text)) {
        leaks.push(`${f}: a solution marker`);
      }
      const lines = f.endsWith('.ipynb')
        ? (JSON.parse(text) as Notebook).cells.flatMap((c) => cellText(c).split('\n'))
        : text.split('\n');
      for (const l of lines) if (solution.includes(l.trim())) leaks.push(`${f}: ${l.trim()}`);
    }
    expect(leaks).toEqual([]);
    const files = walk(student);
    expect(
      files.filter((f) => f.startsWith('bench/') || f.startsWith('scripts/fixtures/')),
    ).toEqual([]);
    expect(files).not.toContain('tools/assignment/makeStudent.ts');
    expect(files).not.toContain('test/assignment/assignment.slow.ts');
  });

  it('has stubs that keep the signature and TSDoc and throw one plain line naming the file', async () => {
    const layers = fs.readFileSync(path.join(student, 'lib/layers/affine.ts'), 'utf8');
    expect(layers).toContain(
      'export function affineForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineCache] {',
    );
    expect(layers).toContain(' * Affine (fully-connected) layer forward pass');
    expect(layers).toContain(
      "throw new NotImplementedError('affineForward', 'lib/layers/affine.ts');",
    );
    const fcNet = fs.readFileSync(path.join(student, 'lib/classifiers/fcNet.ts'), 'utf8');
    expect(fcNet).toContain(
      "throw new NotImplementedError('TwoLayerNet constructor', 'lib/classifiers/fcNet.ts');",
    );
    expect(fcNet).toContain(
      "throw new NotImplementedError('TwoLayerNet.loss', 'lib/classifiers/fcNet.ts');",
    );

    const lib = (await import(path.join(student, 'lib/layers/relu.ts'))) as {
      reluForward(x: unknown): unknown;
    };
    const tensor = (await import(path.join(student, 'lib/core/tensor.ts'))) as {
      tensor(shape: number[]): unknown;
    };
    let err: Error | null = null;
    try {
      lib.reluForward(tensor.tensor([2, 3]));
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).toBe('NotImplementedError');
    expect(err?.message).toBe('reluForward is not implemented yet: write it in lib/layers/relu.ts');
    expect(err?.stack).toBe(
      'NotImplementedError: reluForward is not implemented yet: write it in lib/layers/relu.ts',
    );
  });

  it('has notebooks with empty START/END OF YOUR CODE blocks, blank answers and no outputs', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(student, NOTEBOOK), 'utf8')) as Notebook;
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code.every((c) => (c.outputs ?? []).length === 0 && c.execution_count === null)).toBe(
      true,
    );
    const texts = code.map(cellText).join('\n');
    const blocks = texts.match(
      /START OF YOUR CODE \(DO NOT DELETE\/MODIFY THIS LINE\)\*+\n\/\/ \*+END OF YOUR CODE/g,
    );
    expect(blocks?.length).toBe(2);
    const answers = nb.cells.filter((c) => c.metadata.assignment !== undefined);
    expect(answers.map((c) => (c.metadata.assignment as { answer: number }).answer)).toEqual([
      1, 2,
    ]);
    expect(cellText(answers[0]).trimEnd().endsWith('## Answer:')).toBe(true);
  });

  it('type-checks under strict', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', student],
      {
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 600_000);

  it('has package scripts for students: npm test grades, no teacher commands', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(student, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test).toBe('tsx tools/assignment/grade.ts');
    expect(pkg.scripts.submit).toBeDefined();
    expect(pkg.scripts.assignment).toBeUndefined();
    expect(fs.readFileSync(path.join(student, 'README.md'), 'utf8')).toContain('npm run submit');
    // Only what the generator changes differs from this repository's files.
    expect(
      buildStudentVersion(ROOT)
        .find((f) => f.path === 'lib/solver.ts')
        ?.content.toString(),
    ).toBe(fs.readFileSync(path.join(ROOT, 'lib/solver.ts'), 'utf8'));
  });

  it.skipIf(!haveJupyter || !haveData)(
    'runs its notebook top to bottom through nbconvert, each check cell saying what is not written yet',
    () => {
      const { out, stderr } = executeStudentNotebook(NOTEBOOK);
      expect(stderr.length).toBeGreaterThanOrEqual(8);
      expect(stderr).toContain(
        'affineForward is not implemented yet: write it in lib/layers/affine.ts\n',
      );
      expect(stderr).toContain(
        'TwoLayerNet constructor is not implemented yet: write it in lib/classifiers/fcNet.ts\n',
      );

      // Such a notebook cannot be submitted: it holds unwritten functions of assignment 1.
      const copy = studentCopy('executed-student');
      fs.copyFileSync(out, path.join(copy, NOTEBOOK));
      const gradedA1 = new Set(allParts(1).map((p) => p.file));
      expect(() => buildSubmission(copy, () => {}, [NOTEBOOK], gradedA1)).toThrow(
        /^submit: notebooks\/assignment1\/two_layer_net.ipynb holds an error in cell \d+ \(affineForward is not implemented yet: write it in lib\/layers\/affine.ts\)/,
      );
    },
    700_000,
  );

  it.skipIf(!haveJupyter || !haveData)(
    "runs assignment 2's Dropout notebook top to bottom, each check cell saying what is not written yet",
    () => {
      const { out, stderr } = executeStudentNotebook('notebooks/assignment2/Dropout.ipynb');
      expect(stderr).toContain(
        'dropoutForward is not implemented yet: write it in lib/layers/dropout.ts\n',
      );
      // Every check cell stops at its first unwritten call: the backward check at the forward
      // pass, the experiment at the net; the chart cell after it says there is nothing to plot.
      expect(stderr.filter((t) => t.startsWith('dropoutForward '))).toHaveLength(2);
      expect(printedText(nb(out), 'solvers.size === dropoutChoices.length')).toBe(
        'Nothing to plot yet: the cell above trains the two nets once FullyConnectedNet is written.\n',
      );
      expect(stderr).toContain(
        'FullyConnectedNet constructor is not implemented yet: write it in lib/classifiers/fcNet.ts\n',
      );
      // Its answers are blank cells tagged for the grader.
      const answers = nb(out).cells.filter((c) => c.metadata.assignment !== undefined);
      expect(answers.map((c) => (c.metadata.assignment as { answer: number }).answer)).toEqual([
        1, 2,
      ]);
    },
    700_000,
  );
});

describe('the grader', () => {
  const maxScore = allParts().reduce((s, p) => s + p.points, 0);

  it('gives the solved project every point, of both assignments', () => {
    const { report, status, stdout } = grade([]);
    expect(status).toBe(0);
    expect(report.maxScore).toBe(maxScore);
    // Every part passes, but for those of a notebook not yet in the project (pendingNotebook.ts).
    expect(report.parts.filter((p) => p.status !== 'ok').map((p) => p.id)).toEqual(
      pendingParts(ROOT).map((p) => p.id),
    );
    const solvedScore = maxScore - pendingPoints(ROOT);
    expect(report.score).toBe(solvedScore);
    expect(report.parts.map((p) => p.id)).toEqual(allParts().map((p) => p.id));
    for (const a of [1, 2] as const) {
      const points = total(allParts(a));
      const got = points - pendingPoints(ROOT, a);
      expect(stdout).toMatch(new RegExp(`\\nassignment ${a} +${got} / ${points}\\n`));
    }
    expect(stdout).toMatch(new RegExp(`\\ntotal +${solvedScore} / ${maxScore}\\n`));
  }, 600_000);

  it('grades one assignment with --assignment, and refuses an unknown one', () => {
    const { report, status, stdout } = grade(['--assignment', '2']);
    expect(status).toBe(0);
    expect(report.parts.map((p) => p.id)).toEqual(allParts(2).map((p) => p.id));
    expect(exercisesOf(2).map((e) => e.name)).toEqual([
      'fully_connected_nets',
      'batch_normalization',
      'dropout',
      'convolutional_networks',
    ]);
    expect(report.score).toBe(total(allParts(2)) - pendingPoints(ROOT, 2));
    expect(stdout).not.toMatch(/\nassignment \d/);
    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/assignment/grade.ts', '--assignment', '3'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe("grade: --assignment must be one of 1, 2, got '3'");
  }, 600_000);

  it('gives the fresh student version 0 without crashing: every library part is "missing"', () => {
    const { report, status } = grade(['--dir', student]);
    expect(status).toBe(0);
    expect(report.score).toBe(0);
    expect(report.maxScore).toBe(maxScore);
    for (const p of report.parts.filter((p) => p.file.startsWith('lib/'))) {
      expect(p.status).toBe('missing');
      expect(p.detail).toMatch(/ is not implemented yet: write it in lib\//);
    }
  }, 600_000);

  it("gives the student version with one solved file put back exactly that file's parts", () => {
    const files = [...new Set(allParts().map((p) => p.file))].filter((f) => f.startsWith('lib/'));
    expect(files.length).toBe(15);
    // FullyConnectedNet and ThreeLayerConvNet are built from the layers (as the course's fc_net.py
    // and cnn.py), spatial batch normalization from batch normalization: fcNet.ts, cnn.ts and
    // spatialNormalization.ts are put back with the layer files they call; every other file on
    // its own.
    const withFile: Record<string, string[]> = {
      'lib/classifiers/fcNet.ts': [
        'lib/layers/affine.ts',
        'lib/layers/relu.ts',
        'lib/layers/losses.ts',
        'lib/layers/normalization.ts',
        'lib/layers/dropout.ts',
      ],
      'lib/layers/spatialNormalization.ts': ['lib/layers/normalization.ts'],
      'lib/classifiers/cnn.ts': [
        'lib/layers/affine.ts',
        'lib/layers/relu.ts',
        'lib/layers/losses.ts',
        'lib/layers/convolution.ts',
        'lib/layers/pooling.ts',
      ],
    };
    for (const file of files) {
      const restored = [file, ...(withFile[file] ?? [])];
      const dir = studentCopy(`restored-${path.basename(file, '.ts')}`);
      for (const f of restored) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      const { report, status } = grade(['--dir', dir]);
      expect(status).toBe(0);
      const ok = report.parts.filter((p) => p.status === 'ok').map((p) => p.id);
      const fileParts = allParts()
        .filter((p) => restored.includes(p.file))
        .map((p) => p.id);
      expect(ok, file).toEqual(fileParts);
      expect(report.score).toBe(restored.reduce((s, f) => s + pointsOf(f), 0));
      expect(report.score).toBeGreaterThan(0);
    }
  }, 1_500_000);

  it('stops a hanging part at its time limit and grades the others', async () => {
    const dir = studentCopy('hanging');
    const file = path.join(dir, 'lib/layers/relu.ts');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(
          "throw new NotImplementedError('reluForward', 'lib/layers/relu.ts');",
          'for (;;) {}',
        ),
    );
    const part = allParts().find((p) => p.id === 'two_layer_net:relu_forward')!;
    process.env.GRADE_TIMEOUT_MS = '5000';
    let r: Awaited<ReturnType<typeof gradePart>>;
    try {
      r = await gradePart(dir, part);
    } finally {
      delete process.env.GRADE_TIMEOUT_MS;
    }
    expect(r.status).toBe('timeout');
    expect(r.points).toBe(0);
    expect(r.detail).toBe('no result within 5 s');
    const other = await gradePart(
      dir,
      allParts().find((p) => p.id === 'two_layer_net:relu_backward')!,
    );
    expect(other.status).toBe('missing');
  }, 300_000);

  it('stopped by SIGTERM, leaves no part process behind', async () => {
    const dir = studentCopy('terminated');
    const file = path.join(dir, 'lib/classifiers/kNearestNeighbor.ts');
    const stub =
      "throw new NotImplementedError(\n      'KNearestNeighbor.computeDistancesTwoLoops',\n      'lib/classifiers/kNearestNeighbor.ts',\n    );";
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(stub);
    fs.writeFileSync(file, text.replace(stub, 'for (;;) {}'));
    /** Processes whose command line names the copy (the grader's part processes). */
    const parts = (): number[] =>
      fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('sandboxChild.js');
          } catch {
            return false;
          }
        })
        .map(Number);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/assignment/grade.ts', '--dir', dir],
      {
        cwd: ROOT,
        env: { ...process.env, GRADE_JOBS: '1' },
        stdio: 'ignore',
      },
    );
    // The first part (computeDistancesTwoLoops) hangs; wait until its process runs.
    for (let i = 0; i < 300 && parts().length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(parts().length).toBe(1);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    await new Promise((r) => setTimeout(r, 500));
    expect(parts()).toEqual([]);
  }, 120_000);

  it('grades a folder of submissions (folders and zips) into one table', () => {
    const subs = path.join(tmp, 'submissions');
    fs.mkdirSync(path.join(subs, 'alice', 'lib', 'layers'), { recursive: true });
    fs.mkdirSync(path.join(subs, 'alice', path.dirname(NOTEBOOK)), { recursive: true });
    for (const f of ['affine.ts', 'relu.ts', 'losses.ts']) {
      fs.copyFileSync(path.join(ROOT, 'lib/layers', f), path.join(subs, 'alice/lib/layers', f));
    }
    fs.copyFileSync(path.join(ROOT, NOTEBOOK), path.join(subs, 'alice', NOTEBOOK));
    // bob hands in the untouched student version's notebook and fcNet.ts only.
    fs.writeFileSync(
      path.join(subs, 'bob.zip'),
      zipSync({
        [NOTEBOOK]: fs.readFileSync(path.join(student, NOTEBOOK)),
        'lib/classifiers/fcNet.ts': fs.readFileSync(path.join(student, 'lib/classifiers/fcNet.ts')),
      }),
    );
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/grade.ts',
        '--submissions',
        subs,
        '--assignment',
        '1',
        '--json',
        '--csv',
        path.join(tmp, 'grades.csv'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 900_000 },
    );
    expect(run.status).toBe(0);
    const rows = (
      JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as {
        submissions: ({ submission: string } & GradeReport)[];
      }
    ).submissions;
    expect(rows.map((r) => r.submission)).toEqual(['alice', 'bob.zip']);
    // alice: the layers and everything the executed solved notebook shows; TwoLayerNet and the
    // other exercises' files from stubs, their notebooks missing.
    const twoLayerNet = allParts(1).filter((p) => p.id.startsWith('two_layer_net:'));
    expect(rows[0].score).toBe(total(twoLayerNet) - pointsOf('lib/classifiers/fcNet.ts', 1));
    expect(rows[0].maxScore).toBe(total(allParts(1)));
    expect(rows[0].parts.map((p) => p.id)).toEqual(allParts(1).map((p) => p.id));
    expect(rows[1].score).toBe(0);
    const first = allParts(1).findIndex((p) => p.id === 'two_layer_net:affine_forward');
    // The same table as CSV for a gradebook: totals, one column per exercise, one per part (those
    // of assignment 1, the one graded).
    const csv = fs.readFileSync(path.join(tmp, 'grades.csv'), 'utf8').trimEnd().split('\r\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 8)).toEqual([
      'submission',
      'score',
      'max_score',
      'knn',
      'svm',
      'softmax',
      'two_layer_net',
      'features',
    ]);
    expect(header.slice(8)).toEqual([...allParts(1).map((p) => p.id), 'notes']);
    expect(csv.length).toBe(3);
    for (const [i, r] of rows.entries()) {
      const cells = csv[i + 1].split(',');
      expect(cells.slice(0, 3)).toEqual([
        r.submission,
        String(r.score),
        String(total(allParts(1))),
      ]);
      // The parts, then the notes (the last field: it may hold commas, and is quoted then).
      const n = 8 + allParts(1).length;
      expect(cells.slice(8, n).map(Number)).toEqual(r.parts.map((p) => p.points));
      expect(cells.slice(n).join(',')).toBe(csvField((r.notes ?? []).join(' | ')));
      expect(Number(cells[6])).toBe(
        r.parts.filter((p) => p.id.startsWith('two_layer_net:')).reduce((s, p) => s + p.points, 0),
      );
    }
    expect(run.stdout).toMatch(/^submission +p1 +p2 /);
    expect(run.stdout).toMatch(new RegExp(`\\nalice +(0 +){${first}}5 +10 `));
  }, 600_000);
  it('grades bad submissions: each problem a clear note, costing only its own points', () => {
    const subs = path.join(tmp, 'bad-submissions');
    fs.mkdirSync(subs);
    const solved = (f: string): Buffer => fs.readFileSync(path.join(ROOT, f));
    // Over the size limit (1 MiB here): not graded at all.
    fs.writeFileSync(
      path.join(subs, 'big.zip'),
      zipSync({ 'lib/blob.bin': crypto.randomBytes(2 * 1024 * 1024) }, { level: 0 }),
    );
    // Entries outside its folder are skipped; the rest is graded.
    fs.writeFileSync(
      path.join(subs, 'escape.zip'),
      zipSync({
        '../../escaped.txt': Buffer.from('x'),
        'lib/classifiers/kNearestNeighbor.ts': solved('lib/classifiers/kNearestNeighbor.ts'),
      }),
    );
    // A folder with one of each other problem, beside solved files that must keep their points.
    const mixed = path.join(subs, 'mixed');
    const brokenSoftmax = solved('lib/classifiers/softmax.ts')
      .toString()
      .replace('let loss = 0;', 'let loss = = 0;');
    // The line the compiler names: the one the broken statement is on.
    const brokenLine =
      brokenSoftmax.split('\n').findIndex((l) => l.includes('let loss = = 0;')) + 1;
    for (const d of ['lib/classifiers', 'notebooks/assignment1', 'test/fixtures/grading']) {
      fs.mkdirSync(path.join(mixed, d), { recursive: true });
    }
    const put = (f: string, text: string | Buffer): void =>
      fs.writeFileSync(path.join(mixed, f), text);
    put('notebooks/assignment1/knn.ipynb', '{ "cells": [ not JSON');
    put('notebooks/assignment1/svm.ipynb', solved('notebooks/assignment1/svm.ipynb'));
    put('lib/classifiers/linearClassifier.ts', solved('lib/classifiers/linearClassifier.ts'));
    put('lib/classifiers/softmax.ts', brokenSoftmax);
    put('lib/classifiers/linearSvm.ts', `${solved('lib/classifiers/linearSvm.ts')}\nfor (;;) {}\n`);
    put(
      'lib/classifiers/kNearestNeighbor.ts',
      solved('lib/classifiers/kNearestNeighbor.ts')
        .toString()
        .replace(
          'computeDistancesNoLoops(X: Tensor): Tensor {',
          'computeDistancesNoLoops(X: Tensor): Tensor {\n    for (;;) {}',
        ),
    );
    put('test/fixtures/grading/svm.json', '{"loss": [], "predict": []}');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/grade.ts',
        '--submissions',
        subs,
        '--assignment',
        '1',
        '--json',
        '--csv',
        path.join(tmp, 'bad.csv'),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 600_000,
        env: {
          ...process.env,
          GRADE_MAX_ZIP_MB: '1',
          GRADE_TIMEOUT_MS: '5000',
          GRADE_LOAD_TIMEOUT_MS: '5000',
        },
      },
    );
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const rows = (
      JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as {
        submissions: ({ submission: string } & GradeReport)[];
      }
    ).submissions;
    const [big, escaped, bad] = rows;
    const byId = (r: GradeReport) => new Map(r.parts.map((p) => [p.id, p]));
    expect(big.score).toBe(0);
    expect(big.notes).toEqual([
      'big.zip is 2.0 MiB, over the 1.0 MiB limit: not graded (submit lib/ and the notebooks only)',
    ]);
    expect(escaped.notes).toEqual([
      'ignored 1 entry with a path outside the submission folder (../../escaped.txt)',
    ]);
    expect(escaped.score).toBe(pointsOf('lib/classifiers/kNearestNeighbor.ts'));
    // The scratch project lies in the temporary folder: the entry would have landed there.
    expect(fs.existsSync(path.join(os.tmpdir(), 'escaped.txt'))).toBe(false);

    expect(bad.notes).toEqual([
      `lib/classifiers/softmax.ts does not compile (line ${brokenLine}: Expression expected.): graded as not written`,
      'lib/classifiers/linearSvm.ts does not finish loading within 5 s (a loop at import time?): graded as not written',
      'notebooks/assignment1/knn.ipynb is not JSON (not a notebook): its parts get no points',
      'ignored 1 edited or added file the grader keeps its own copy of (test/fixtures/grading/svm.json)',
    ]);
    const parts = byId(bad);
    // Costs only their own points: the solved linear classifier (which imports both broken
    // files), the svm notebook and the other kNN functions keep theirs.
    for (const id of ['svm:linear_train', 'svm:linear_predict', 'svm:tuning', 'knn:two_loops']) {
      expect(parts.get(id)?.status, id).toBe('ok');
    }
    expect(parts.get('knn:no_loops')?.status).toBe('timeout');
    expect(parts.get('softmax:loss_naive')?.status).toBe('missing');
    expect(parts.get('svm:loss_vectorized')?.status).toBe('missing');
    expect(parts.get('knn:inline_question_1')?.detail).toMatch(
      /^notebooks\/assignment1\/knn.ipynb is not a notebook: not JSON/,
    );
    expect(run.stdout).toContain('mixed: lib/classifiers/softmax.ts does not compile');
    // In the CSV the notes are the last field; a field with a comma or a quote is quoted.
    const csvRows = fs.readFileSync(path.join(tmp, 'bad.csv'), 'utf8').split('\r\n');
    const mixedRow = csvRows.find((l) => l.startsWith('mixed,')) ?? '';
    expect(mixedRow.endsWith(`,${(bad.notes ?? []).join(' | ')}`)).toBe(true);
    expect(csvField('a, "b"')).toBe('"a, ""b"""');
    expect(csvField(12)).toBe('12');
  }, 600_000);
});

/** Unix modes of a zip's entries, read from its central directory. */
function zipModes(zip: Uint8Array): Map<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const modes = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(p, true)).toBe(0x02014b50);
    const nameLen = view.getUint16(p + 28, true);
    const skip = nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    const name = Buffer.from(zip.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    modes.set(name, (view.getUint32(p + 38, true) >>> 16) & 0o777);
    p += 46 + skip;
  }
  return modes;
}

describe('npm run autograder (Gradescope)', () => {
  const VISIBILITY = ['hidden', 'after_due_date', 'after_published', 'visible'];
  // The fields of results.json that Gradescope's autograder specification documents.
  const TOP_FIELDS = [
    'score',
    'execution_time',
    'output',
    'output_format',
    'test_output_format',
    'test_name_format',
    'visibility',
    'stdout_visibility',
    'extra_data',
    'tests',
    'leaderboard',
  ];
  const TEST_FIELDS = [
    'score',
    'max_score',
    'status',
    'name',
    'name_format',
    'number',
    'output',
    'output_format',
    'tags',
    'visibility',
    'extra_data',
  ];
  /** The unpacked bundle of each assignment (its ROOT: source/ holds the bundle). */
  const roots: Partial<Record<AssignmentNumber, string>> = {};

  /** results.json checked against the specification and the assignment's parts; returned parsed. */
  function checkResults(file: string, assignment: AssignmentNumber) {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      score: number;
      output: string;
      tests: { name: string; score: number; max_score: number; status: string; output: string }[];
      [k: string]: unknown;
    };
    expect(Object.keys(r).filter((k) => !TOP_FIELDS.includes(k))).toEqual([]);
    expect(typeof r.score).toBe('number');
    expect(VISIBILITY).toContain(r.visibility);
    expect(VISIBILITY).toContain(r.stdout_visibility);
    expect(r.tests.length).toBe(allParts(assignment).length);
    for (const t of r.tests) {
      expect(Object.keys(t).filter((k) => !TEST_FIELDS.includes(k))).toEqual([]);
      expect(typeof t.name).toBe('string');
      expect(typeof t.output).toBe('string');
      expect(VISIBILITY).toContain((t as { visibility?: string }).visibility);
      expect(['passed', 'failed']).toContain(t.status);
      expect(t.score).toBeGreaterThanOrEqual(0);
      expect(t.score).toBeLessThanOrEqual(t.max_score);
    }
    expect(r.tests.map((t) => t.max_score)).toEqual(allParts(assignment).map((p) => p.points));
    expect(r.score).toBe(r.tests.reduce((s, t) => s + t.score, 0));
    return r;
  }

  /**
   * Lays out ROOT/submission for an assignment's bundle, runs its run_autograder there, returns
   * the checked results.json.
   */
  function runAutograder(
    fill: (submission: string) => void,
    env: Record<string, string> = {},
    assignment: AssignmentNumber = 1,
  ) {
    const root = roots[assignment] as string;
    const submission = path.join(root, 'submission');
    const results = path.join(root, 'results');
    fs.rmSync(submission, { recursive: true, force: true });
    fs.rmSync(results, { recursive: true, force: true });
    fs.mkdirSync(submission);
    fs.mkdirSync(results);
    fill(submission);
    const run = spawnSync(path.join(root, 'source', 'run_autograder'), [], {
      cwd: root,
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, AUTOGRADER_ROOT: root, ...env },
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    return checkResults(path.join(results, 'results.json'), assignment);
  }

  const graded = [...new Set(allParts().map((p) => p.file))].filter((f) => f.startsWith('lib/'));
  const notebooksOf = (a: AssignmentNumber): string[] => exercisesOf(a).map((e) => e.notebook);
  const notebooks = notebooksOf(1);
  const copyFrom = (from: string, files: string[], to: string): void => {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
      fs.copyFileSync(path.join(from, f), path.join(to, f));
    }
  };

  /** Writes the bundle of an assignment (the default one: 1) and unpacks it as Gradescope does. */
  function unpackBundle(assignment?: AssignmentNumber): string {
    const out = path.join(tmp, `autograder-${assignment ?? 'default'}.zip`);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/autograder.ts',
        '--out',
        out,
        ...(assignment === undefined ? [] : ['--assignment', String(assignment)]),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const zip = new Uint8Array(fs.readFileSync(out));
    const modes = zipModes(zip);
    // Gradescope's layout: setup.sh and run_autograder at the root of the zip, executable.
    expect(modes.get('setup.sh')).toBe(0o755);
    expect(modes.get('run_autograder')).toBe(0o755);
    const root = path.join(tmp, `gradescope-${assignment ?? 'default'}`);
    const source = path.join(root, 'source');
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      const dest = path.join(source, name);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, data, { mode: modes.get(name) ?? 0o644 });
    }
    // What setup.sh's npm ci would install: this project's node_modules.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'grader', 'node_modules'));
    return root;
  }

  beforeAll(() => {
    roots[1] = unpackBundle();
    roots[2] = unpackBundle(2);
  }, 600_000);

  it('holds setup.sh (Node and npm ci on Ubuntu) and no solution', () => {
    const root = roots[1] as string;
    const setup = fs.readFileSync(path.join(root, 'source', 'setup.sh'), 'utf8');
    expect(setup).toMatch(/apt-get install -y nodejs/);
    expect(setup).toMatch(/cd \/autograder\/source\/grader\nnpm ci/);
    expect(spawnSync('bash', ['-n', path.join(root, 'source', 'setup.sh')]).status).toBe(0);
    const layers = fs.readFileSync(
      path.join(root, 'source', 'grader', 'lib', 'layers', 'affine.ts'),
      'utf8',
    );
    expect(layers).toContain(
      "throw new NotImplementedError('affineForward', 'lib/layers/affine.ts');",
    );
    expect(layers).not.toContain('BEGIN SOLUTION');
  });

  it('gives a solved submission (as the zip npm run submit writes) every point', () => {
    const r = runAutograder((sub) => {
      const files = [...graded, ...notebooks];
      fs.writeFileSync(
        path.join(sub, 'submission.zip'),
        zipSync(Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f))]))),
      );
    });
    expect(r.score).toBe(total(allParts(1)));
    expect(r.tests.every((t) => t.status === 'passed')).toBe(true);
    expect(r.output.split('\n')[0]).toBe('400 / 400 points');
    // The answers: outside the grader's folder, root's only once run_autograder has run.
    const answers = fs.statSync(path.join(roots[1] as string, 'source', 'answers'));
    expect(answers.mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(answers.uid).toBe(0);
  }, 600_000);

  it("grades assignment 2 with assignment 2's bundle: a solved submission every point, the student version 0", () => {
    const solved = runAutograder(
      (sub) => {
        const files = [...graded, ...presentNotebooks(ROOT, 2)];
        fs.writeFileSync(
          path.join(sub, 'submission.zip'),
          zipSync(Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f))]))),
        );
      },
      {},
      2,
    );
    const points = total(allParts(2));
    const got = points - pendingPoints(ROOT, 2);
    expect(solved.tests.map((t) => t.name.split(':')[0])).toEqual(
      allParts(2).map((p) => p.id.split(':')[0]),
    );
    expect(solved.score).toBe(got);
    expect(solved.output.split('\n')[0]).toBe(`${got} / ${points} points`);
    const fresh = runAutograder(
      (sub) => copyFrom(student, [...graded, ...presentNotebooks(student, 2)], sub),
      {},
      2,
    );
    expect(fresh.score).toBe(0);
    expect(fresh.output).toMatch(
      /- notebooks\/assignment2\/FullyConnectedNets.ipynb was not executed \(cell \d+ has not run\)/,
    );
    expect(fresh.tests.find((t) => t.name.startsWith('dropout: dropoutBackward '))?.output).toBe(
      'missing: dropoutForward is not implemented yet: write it in lib/layers/dropout.ts',
    );
  }, 600_000);

  it('gives the fresh student version 0, saying its notebooks were not executed', () => {
    const r = runAutograder((sub) => copyFrom(student, [...graded, ...notebooks], sub));
    expect(r.score).toBe(0);
    expect(r.output).toMatch(
      /- notebooks\/assignment1\/knn.ipynb was not executed \(cell \d+ has not run\)/,
    );
    const knn = r.tests.find((t) => t.name === 'knn: computeDistancesTwoLoops');
    expect(knn?.output).toBe(
      'missing: KNearestNeighbor.computeDistancesTwoLoops is not implemented yet: write it in lib/classifiers/kNearestNeighbor.ts',
    );
  }, 600_000);

  it('grades a broken submission: a file missing, a function that hangs, a notebook with an error', () => {
    const r = runAutograder(
      (sub) => {
        copyFrom(ROOT, [...graded, ...notebooks], sub);
        fs.rmSync(path.join(sub, 'lib/classifiers/softmax.ts'));
        const layers = path.join(sub, 'lib/layers/losses.ts');
        fs.writeFileSync(
          layers,
          fs
            .readFileSync(layers, 'utf8')
            .replace(
              'export function svmLoss(x: Tensor, y: Labels): [number, Tensor] {',
              'export function svmLoss(x: Tensor, y: Labels): [number, Tensor] {\n  for (;;) {}',
            ),
        );
        const svmNb = path.join(sub, 'notebooks/assignment1/svm.ipynb');
        const nb = JSON.parse(fs.readFileSync(svmNb, 'utf8')) as Notebook;
        const cell = nb.cells.find((c) => c.cell_type === 'code' && (c.outputs ?? []).length > 0);
        cell?.outputs?.push({
          output_type: 'error',
          ename: 'RangeError',
          evalue: 'bad',
          traceback: [],
        });
        fs.writeFileSync(svmNb, JSON.stringify(nb));
      },
      { GRADE_TIMEOUT_MS: '5000' },
    );
    const byName = new Map(r.tests.map((t) => [t.name, t]));
    expect(byName.get('softmax: softmaxLossNaive (loss and gradient)')?.output).toMatch(
      /^missing: softmaxLossNaive is not implemented yet/,
    );
    expect(byName.get('two_layer_net: svmLoss')?.output).toBe('timeout: no result within 5 s');
    expect(r.output).toMatch(
      /- notebooks\/assignment1\/svm.ipynb holds an error in cell \d+ \(RangeError: bad\)/,
    );
    const lost = allParts(1)
      .filter((p) => p.file === 'lib/classifiers/softmax.ts' || p.id === 'two_layer_net:svm_loss')
      .reduce((s, p) => s + p.points, 0);
    // Only those parts are lost: the svm notebook's printed accuracies and answers still count.
    expect(r.score).toBe(total(allParts(1)) - lost);
  }, 600_000);
});

describe('npm run submit', () => {
  /** A small project: lib sources, a build folder, and one notebook. */
  function project(name: string, cells: Notebook['cells']): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, 'lib/backends/wasm/build'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'notebooks'));
    fs.writeFileSync(path.join(dir, 'lib/layers.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(dir, 'lib/backends/wasm/build/gemm.wasm'), 'binary');
    const nb: Notebook = { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
    fs.writeFileSync(path.join(dir, 'notebooks/demo.ipynb'), JSON.stringify(nb));
    return dir;
  }
  const fakeHtml = (nb: string, out: string): void =>
    fs.writeFileSync(out, `<html>${path.basename(nb)}</html>`);
  const code = (source: string, outputs: unknown[], count: number | null = 1) => ({
    cell_type: 'code' as const,
    metadata: {},
    source,
    outputs,
    execution_count: count,
  });

  it('packs the lib sources and every executed notebook with its HTML export', () => {
    const dir = project('submit-ok', [
      code('const x = 1;', [], 1),
      code('console.log(x)', [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }], null),
    ]);
    const { zip, names } = buildSubmission(dir, fakeHtml);
    expect(names).toEqual(['lib/layers.ts', 'notebooks/demo.html', 'notebooks/demo.ipynb']);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(names);
    expect(Buffer.from(files['notebooks/demo.html']).toString()).toBe('<html>demo.ipynb</html>');
    expect(Buffer.from(buildSubmission(dir, fakeHtml).zip).equals(Buffer.from(zip))).toBe(true);
  });

  it('refuses a notebook that was not executed, naming it and the cell', () => {
    const dir = project('submit-unrun', [
      code('const x = 1;', [], 1),
      code('console.log(x)', [], null),
    ]);
    expect(() => buildSubmission(dir, fakeHtml)).toThrow(
      'submit: notebooks/demo.ipynb was not executed (cell 2 has not run): run every cell, e.g. with npm run notebook, then submit again',
    );
  });

  it('allows the one line of an unwritten function that the submitted assignment does not grade', () => {
    const cell = code('trainFeatureNet(data)', [
      {
        output_type: 'stream',
        name: 'stderr',
        text: ['sgdMomentum is not implemented yet: write it in lib/optim.ts\n'],
      },
    ]);
    const nb: Notebook = { cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    const gradedIn = (a: AssignmentNumber) => new Set(allParts(a).map((p) => p.file));
    // Assignment 1 grades nothing in lib/optim.ts (assignment 2's update rules)...
    expect(notebookProblem(nb, 'features.ipynb', gradedIn(1))).toBeNull();
    // ... assignment 2 does, and an unknown assignment takes every line as an error.
    expect(notebookProblem(nb, 'features.ipynb', gradedIn(2))).toBe(
      'features.ipynb holds an error in cell 1 (sgdMomentum is not implemented yet: write it in lib/optim.ts): fix it, re-run the notebook, then submit again',
    );
    expect(notebookProblem(nb, 'features.ipynb')).not.toBeNull();
  });

  it('refuses an --out in a folder that does not exist, before packing anything', () => {
    const out = path.join(tmp, 'no-such-folder', 'submission.zip');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/assignment/submit.ts', '--out', out],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      `submit: --out ${out}: its folder ${path.dirname(out)} does not exist`,
    );
    expect(run.stdout).toBe('');
  });

  it('refuses a missing notebook of the assignment, naming it', () => {
    const dir = project('submit-missing', [code('const x = 1;', [], 1)]);
    expect(() =>
      buildSubmission(dir, fakeHtml, [
        'notebooks/demo.ipynb',
        'notebooks/assignment2/Dropout.ipynb',
      ]),
    ).toThrow(
      'submit: notebooks/assignment2/Dropout.ipynb is missing: put the notebook back, run it, then submit again',
    );
  });

  it.skipIf(!haveJupyter)(
    "packs assignment 2 with --assignment 2: lib/ and assignment 2's notebooks with their HTML",
    () => {
      const zipFile = path.join(tmp, 'a2', 'submission.zip');
      fs.mkdirSync(path.dirname(zipFile));
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'tools/assignment/submit.ts', '--assignment', '2', '--out', zipFile],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 600_000,
          env: { ...process.env, CHROMIUM_PATH: path.join(tmp, 'no-such-chromium') },
        },
      );
      if (notebookPending(ROOT)) {
        // Until the ConvolutionalNetworks notebook is in the project, submit refuses, naming it.
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`submit: ${PENDING_NOTEBOOK} is missing`);
        expect(fs.existsSync(zipFile)).toBe(false);
        return;
      }
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(
        'submit: assignment 2 (FullyConnectedNets, BatchNormalization, Dropout, ConvolutionalNetworks)',
      );
      const names = Object.keys(unzipSync(new Uint8Array(fs.readFileSync(zipFile))));
      const nbs = names.filter((n) => n.startsWith('notebooks/')).sort();
      expect(nbs).toEqual(
        exercisesOf(2)
          .flatMap((e) => [e.notebook, e.notebook.replace(/\.ipynb$/, '.html')])
          .sort(),
      );
      expect(names).toContain('lib/layers/normalization.ts');
      expect(names).toContain('lib/layers/affine.ts');
    },
    600_000,
  );

  it('refuses a notebook holding an error output or stderr', () => {
    const err = {
      output_type: 'error',
      ename: 'TypeError',
      evalue: 'x is undefined',
      traceback: [],
    };
    expect(
      notebookProblem(
        { cells: [code('f()', [err])], metadata: {}, nbformat: 4, nbformat_minor: 5 },
        'a.ipynb',
      ),
    ).toBe(
      'a.ipynb holds an error in cell 1 (TypeError: x is undefined): fix it, re-run the notebook, then submit again',
    );
    const dir = project('submit-stderr', [
      code('svmLoss(x, y)', [
        {
          output_type: 'stream',
          name: 'stderr',
          text: ['svmLoss is not implemented yet: write it in lib/layers.ts\n'],
        },
      ]),
    ]);
    expect(() => buildSubmission(dir, fakeHtml)).toThrow(
      'submit: notebooks/demo.ipynb holds an error in cell 1 (svmLoss is not implemented yet: write it in lib/layers.ts)',
    );
  });

  it.skipIf(!haveJupyter || !haveChromium || !havePdftotext)(
    'writes beside the zip one PDF of the five notebooks in the course order, every title and answer in it',
    () => {
      const zipFile = path.join(tmp, 'pdf', 'submission.zip');
      fs.mkdirSync(path.dirname(zipFile));
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'tools/assignment/submit.ts', '--out', zipFile],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 600_000,
          env: { ...process.env, CHROMIUM_PATH: CHROMIUM },
        },
      );
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      const pdfFile = path.join(tmp, 'pdf', 'submission.pdf');
      const m =
        /submit: wrote (\S+) \((\d+) pages: knn, svm, softmax, two_layer_net, features\)/.exec(
          run.stdout,
        );
      expect(m?.[1]).toBe(pdfFile);
      const info = spawnSync('pdfinfo', [pdfFile], { encoding: 'utf8' }).stdout;
      expect(/Pages:\s+(\d+)/.exec(info)?.[1]).toBe(m?.[2]);
      expect(Number(m?.[2])).toBeGreaterThanOrEqual(5);
      const text = spawnSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 })
        .stdout.normalize('NFKC')
        .replace(/\s+/g, ' ');
      let at = -1;
      for (const name of ['knn', 'svm', 'softmax', 'two_layer_net', 'features']) {
        const nb = JSON.parse(
          fs.readFileSync(path.join(ROOT, 'notebooks', 'assignment1', `${name}.ipynb`), 'utf8'),
        ) as Notebook;
        // The title: the first heading; it comes after the previous notebook's.
        const title = cellText(
          nb.cells.find((c) => c.cell_type === 'markdown') as Notebook['cells'][0],
        )
          .split('\n')
          .find((l) => l.startsWith('#'))
          ?.replace(/^#+\s*/, '')
          .trim() as string;
        const where = text.indexOf(title, at + 1);
        expect(where, `${name}: title "${title}"`).toBeGreaterThan(at);
        at = where;
        // Every answer region: a run of its plain words (no markup or math) is in the text.
        let answers = 0;
        for (const c of nb.cells.filter((c) => c.cell_type === 'markdown')) {
          const lines = cellText(c).split('\n');
          for (const r of findRegions(lines, 'markdown', name)) {
            const snippet = answerSnippet(lines.slice(r.begin + 1, r.end).join('\n'));
            expect(text, `${name}: answer "${snippet}"`).toContain(snippet);
            answers++;
          }
        }
        expect(answers, name).toBeGreaterThan(0);
      }
    },
    600_000,
  );

  it.skipIf(!haveJupyter)(
    'without a browser says how to get one in one line and still writes the zip',
    () => {
      // A small project (one executed notebook) with this project's tools, .venv and node_modules.
      const dir = path.join(tmp, 'no-browser');
      for (const d of ['tools', 'scripts', 'jupyter', 'lib']) {
        fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
      }
      for (const l of ['node_modules', '.venv'])
        fs.symlinkSync(path.join(ROOT, l), path.join(dir, l));
      fs.mkdirSync(path.join(dir, 'notebooks'));
      const nb: Notebook = {
        cells: [
          { cell_type: 'markdown', metadata: {}, source: '# A small notebook' },
          {
            cell_type: 'code',
            metadata: {},
            source: 'console.log(1)',
            outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }],
            execution_count: 1,
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      };
      // The same small notebook under each of assignment 1's names.
      for (const rel of exercisesOf(1).map((e) => e.notebook)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), JSON.stringify(nb));
      }
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/assignment/submit.ts'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, CHROMIUM_PATH: path.join(dir, 'no-such-chromium') },
      });
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      expect(run.stderr.split('\n').filter((l) => l.startsWith('submit:'))).toEqual([NO_BROWSER]);
      expect(fs.existsSync(path.join(dir, 'submission.zip'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'submission.pdf'))).toBe(false);
    },
    300_000,
  );

  it.skipIf(!haveJupyter)(
    'exports the real HTML page of an executed notebook',
    async () => {
      const dir = path.join(tmp, 'submit-real');
      fs.mkdirSync(path.join(dir, path.dirname(NOTEBOOK)), { recursive: true });
      fs.cpSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, NOTEBOOK), path.join(dir, NOTEBOOK));
      const { exportNotebookHtml } = (await import(
        path.join(ROOT, 'scripts/export-notebook-html.ts')
      )) as { exportNotebookHtml(n: string, o: string): string };
      const { zip, names } = buildSubmission(
        dir,
        (nb, out) => {
          exportNotebookHtml(nb, out);
        },
        [NOTEBOOK],
      );
      expect(names).toContain('notebooks/assignment1/two_layer_net.html');
      expect(names.filter((n) => n.includes('/build/'))).toEqual([]);
      const html = Buffer.from(unzipSync(zip)['notebooks/assignment1/two_layer_net.html']).toString(
        'utf8',
      );
      expect(html).toContain('Test set accuracy');
    },
    600_000,
  );
}); // The backward part runs on the student's own forward pass: the stub met first is dropoutForward's.
