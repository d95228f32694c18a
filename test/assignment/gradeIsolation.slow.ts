/**
 * Grading a class folder in which one submission attacks the grader (`npm run grade --
 * --submissions DIR --csv FILE --json`, the teacher's flow, as a separate process): the grader's
 * tree is byte-identical afterwards, the attacking submission gets exactly the points of the same
 * honest file, a zip entry colliding with a folder and a folder of links cost only their own rows,
 * the printed table, the CSV and the JSON line agree, and no sandbox process is left.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const KNN = 'lib/classifiers/kNearestNeighbor.ts';
let work: string;

/** sha256 of every regular file under the folders, by relative path. */
function hashTree(folders: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile())
        out.set(
          p,
          createHash('sha256')
            .update(fs.readFileSync(path.join(ROOT, p)))
            .digest('hex'),
        );
      else out.set(p, `link or special: ${e.isSymbolicLink()}`);
    }
  };
  for (const f of folders) walk(f);
  return out;
}

/** What the attacking file adds at its top level: each attack in its own try. */
function attacks(csv: string): string {
  const targets = [
    path.join(ROOT, 'tools/assignment/gradeProject.ts'),
    path.join(ROOT, 'tools/assignment/exercises/knn.ts'),
    path.join(ROOT, KNN),
    path.join(ROOT, 'test/fixtures/grading/knn.json'),
    csv,
  ];
  return `
// --- attacks ---
const attackFs = require('node:fs');
for (const target of ${JSON.stringify(targets)}) {
  try { attackFs.writeFileSync(target, 'owned'); } catch {}
  try { attackFs.appendFileSync(target, 'owned'); } catch {}
}
try { require('node:child_process').spawn('sh', ['-c', 'sleep 5; echo owned > ${csv}'], { detached: true, stdio: 'ignore' }).unref(); } catch {}
try { module.exports.stolen = require(${JSON.stringify(path.join(ROOT, KNN))}); } catch {}
process.on('exit', () => { console.log('{"status":"ok","detail":"forged"}'); });
`;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-isolation-'));
  fs.chmodSync(work, 0o755);
  const subs = path.join(work, 'subs');
  fs.mkdirSync(subs);
  const solved = fs.readFileSync(path.join(ROOT, KNN));
  const csv = path.join(work, 'grades.csv');
  fs.writeFileSync(path.join(subs, 'a-honest.zip'), zipSync({ [KNN]: solved }));
  fs.writeFileSync(
    path.join(subs, 'b-attacker.zip'),
    zipSync({ [KNN]: Buffer.concat([solved, Buffer.from(attacks(csv))]) }),
  );
  fs.writeFileSync(
    path.join(subs, 'c-collide.zip'),
    zipSync({ 'lib/classifiers': Buffer.from('a file where the grader has a folder') }),
  );
  fs.mkdirSync(path.join(subs, 'd-links'));
  fs.symlinkSync(path.join(ROOT, 'lib'), path.join(subs, 'd-links', 'lib'));
  fs.symlinkSync(path.join(ROOT, 'lib'), path.join(subs, 'e-link-to-teacher'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('grading a class folder with an attacker', () => {
  it('leaves the grader unchanged and every row honest', () => {
    const folders = ['tools', 'lib', 'test/fixtures/grading'];
    const before = hashTree(folders);
    const csv = path.join(work, 'grades.csv');
    const tmpdir = path.join(work, 'tmp');
    fs.mkdirSync(tmpdir, { mode: 0o755 });
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/assignment/grade.ts',
        '--submissions',
        path.join(work, 'subs'),
        '--assignment',
        '1',
        '--csv',
        csv,
        '--json',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // Its sandboxes under this test's folder, to tell its processes from any other grader's.
        env: { ...process.env, GRADE_TIMEOUT_MS: '60000', TMPDIR: tmpdir },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    // Wait out the attacker's five-second timer, had it started.
    spawnSync('sleep', ['6']);
    const after = hashTree(folders);
    expect([...after.entries()].filter(([k, v]) => before.get(k) !== v)).toEqual([]);
    expect(after.size).toBe(before.size);

    const lines = run.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1]) as {
      submissions: { submission: string; score: number; notes?: string[] }[];
    };
    const rows = new Map(json.submissions.map((r) => [r.submission, r]));
    // e-link-to-teacher is a link: not a submission at all.
    expect([...rows.keys()]).toEqual([
      'a-honest.zip',
      'b-attacker.zip',
      'c-collide.zip',
      'd-links',
    ]);
    const honest = rows.get('a-honest.zip')!.score;
    expect(honest).toBeGreaterThan(0);
    expect(rows.get('b-attacker.zip')!.score).toBe(honest);
    expect(rows.get('c-collide.zip')!.score).toBe(0);
    expect(rows.get('c-collide.zip')!.notes?.join(' ')).toMatch(
      /lib\/classifiers is a file where the grader has a folder/,
    );
    expect(rows.get('d-links')!.score).toBe(0);
    expect(rows.get('d-links')!.notes?.join(' ')).toMatch(
      /lib is a link where the grader has a folder/,
    );

    // The table, the CSV and the JSON line agree.
    const csvText = fs.readFileSync(csv, 'utf8');
    expect(csvText).not.toMatch(/owned/);
    const csvRows = csvText
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    for (const r of json.submissions) {
      const inCsv = csvRows.find((c) => c[0] === r.submission);
      expect(inCsv?.[1], r.submission).toBe(String(r.score));
      const inTable = lines.find((l) => l.startsWith(`${r.submission} `));
      expect(inTable, r.submission).toMatch(new RegExp(` ${r.score} / \\d+$`));
    }
    expect(run.stdout).not.toMatch(/forged/);

    const stray = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(work);
        } catch {
          return false;
        }
      });
    expect(stray).toEqual([]);
  }, 600_000);
});
