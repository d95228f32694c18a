/**
 * `npm run submit -- --out`: a file path (as before) or an existing folder, which receives
 * submission.zip (and the PDF beside it); what cannot work is refused in one line before any
 * notebook is exported. Runs submit.ts in a small project whose HTML exporter is a stand-in that
 * logs its calls (no nbconvert, no browser), so it is fast.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exercisesOf } from '../../tools/assignment/exercises';
import type { Notebook } from '../../tools/assignment/notebook';
import { submissionZipPath } from '../../tools/assignment/submit';
import { NO_BROWSER } from '../../tools/assignment/submitPdf';

const ROOT = path.resolve(__dirname, '..', '..');
let tmp: string;
let project: string;

/** An HTML exporter that writes a tiny page and logs each notebook it was given. */
const FAKE_EXPORTER = `import fs from 'node:fs';
import path from 'node:path';
export function exportNotebookHtml(notebook: string, outFile: string): string {
  fs.appendFileSync(path.join(__dirname, '..', 'exported.log'), notebook + '\\n');
  fs.writeFileSync(outFile, '<html>' + path.basename(notebook) + '</html>');
  return outFile;
}
`;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-submit-out-'));
  project = path.join(tmp, 'project');
  for (const d of ['tools', 'lib']) {
    fs.cpSync(path.join(ROOT, d), path.join(project, d), {
      recursive: true,
      filter: (src) => path.basename(src) !== 'build',
    });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  fs.mkdirSync(path.join(project, 'scripts'));
  fs.writeFileSync(path.join(project, 'scripts', 'export-notebook-html.ts'), FAKE_EXPORTER);
  const nb: Notebook = {
    cells: [
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
  for (const rel of exercisesOf(1).map((e) => e.notebook)) {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), JSON.stringify(nb));
  }
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs the project's submit.ts without a browser. */
function submit(args: string[]) {
  fs.rmSync(path.join(project, 'exported.log'), { force: true });
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(project, 'tools/assignment/submit.ts'), ...args],
    {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CHROMIUM_PATH: path.join(tmp, 'no-such-chromium') },
    },
  );
}

const exported = (): string[] => {
  const log = path.join(project, 'exported.log');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
};

describe('submissionZipPath', () => {
  it('puts submission.zip into an existing folder, keeps a file path, defaults to the root', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'out-'));
    expect(submissionZipPath(dir, project)).toBe(path.join(dir, 'submission.zip'));
    expect(submissionZipPath(`${dir}/`, project)).toBe(path.join(dir, 'submission.zip'));
    expect(submissionZipPath(path.join(dir, 'mine.zip'), project)).toBe(path.join(dir, 'mine.zip'));
    expect(submissionZipPath(undefined, project)).toBe(path.join(project, 'submission.zip'));
  });

  it('refuses in one line a file path whose folder is missing, and a zip or PDF path that is a folder', () => {
    const missing = path.join(tmp, 'no-such-folder', 'submission.zip');
    expect(() => submissionZipPath(missing, project)).toThrow(
      `submit: --out ${missing}: its folder ${path.dirname(missing)} does not exist`,
    );
    const dir = fs.mkdtempSync(path.join(tmp, 'taken-'));
    fs.mkdirSync(path.join(dir, 'submission.pdf'));
    expect(() => submissionZipPath(dir, project)).toThrow(
      `submit: --out ${dir}: ${path.join(dir, 'submission.pdf')} is a folder; give a file name or another folder`,
    );
  });
});

describe('npm run submit -- --out', () => {
  it('with an existing folder writes submission.zip into it and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'into-'));
    const run = submit(['--out', dir]);
    expect(run.status, run.stderr).toBe(0);
    const zip = path.join(dir, 'submission.zip');
    expect(run.stdout).toContain(`submit: wrote ${zip} (`);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('submit:'))).toEqual([NO_BROWSER]);
    // Without a browser: the zip only, no partial file left.
    expect(fs.readdirSync(dir)).toEqual(['submission.zip']);
    const names = Object.keys(unzipSync(new Uint8Array(fs.readFileSync(zip))));
    for (const rel of exercisesOf(1).map((e) => e.notebook)) {
      expect(names).toContain(rel);
      expect(names).toContain(rel.replace(/\.ipynb$/, '.html'));
    }
    expect(exported()).toHaveLength(exercisesOf(1).length);
  }, 120_000);

  it('still takes a file path', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'file-'));
    const run = submit(['--out', path.join(dir, 'mine.zip')]);
    expect(run.status, run.stderr).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['mine.zip']);
  }, 120_000);

  it('refuses at once, exporting nothing, when submission.zip in the folder is itself a folder', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'clash-'));
    fs.mkdirSync(path.join(dir, 'submission.zip'));
    const run = submit(['--out', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      `submit: --out ${dir}: ${path.join(dir, 'submission.zip')} is a folder; give a file name or another folder`,
    );
    expect(run.stdout).toBe('');
    expect(exported()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['submission.zip']);
  }, 120_000);
});
