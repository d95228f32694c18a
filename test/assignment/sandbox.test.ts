/**
 * The part sandbox (tools/assignment/sandbox.ts) end to end, with two small parts of its own
 * (sandboxParts.ts) and a one-file project per case: honest, unwritten and hostile student code.
 * What the hostile code tries is refused by the permission model or the channel, costs only its
 * own part, and leaves no process behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeProject } from '../../tools/assignment/gradeProject';
import {
  groupMembers,
  permissionFlag,
  prepareSandbox,
  runPartInSandbox,
  type Sandbox,
  type SandboxResult,
  waitForNoSandbox,
} from '../../tools/assignment/sandbox';
import { allParts } from './sandboxParts';

const graderRoot = path.resolve(__dirname, '..', '..');
let work: string;
let inputsDir: string;
let answersDir: string;
const sandboxes: Sandbox[] = [];

const HONEST = `
export function sum(x: number[]): number { let s = 0; for (const v of x) s += v; return s; }
export function scale(x: Float64Array, k: number): Float64Array { return x.map((v) => v * k); }
`;

/** Runs a part of sandboxParts.ts against a project whose lib/student.ts is `source`. */
async function run(
  source: string,
  partId = 'student:sum',
  limits: { timeoutMs?: number; memoryMb?: number } = {},
): Promise<SandboxResult> {
  const project = fs.mkdtempSync(path.join(work, 'project-'));
  fs.mkdirSync(path.join(project, 'lib'));
  fs.writeFileSync(path.join(project, 'lib', 'student.ts'), source);
  const sandbox = prepareSandbox(project, 'test/assignment/sandboxParts');
  sandboxes.push(sandbox);
  return runPartInSandbox({
    sandbox,
    partId,
    inputsDir,
    timeoutMs: limits.timeoutMs ?? 20_000,
    memoryMb: limits.memoryMb ?? 512,
  });
}

/** The judge of a part, in this (the grader's) process. */
function judge(partId: string, r: SandboxResult): string {
  const part = allParts().find((p) => p.id === partId);
  if (part?.kind !== 'library' || r.status !== 'ok' || r.value === undefined) return r.status;
  const answer = <T>(name: string): T =>
    JSON.parse(fs.readFileSync(path.join(answersDir, `${name}.json`), 'utf8')) as T;
  try {
    part.judge(r.value, { answer });
    return 'pass';
  } catch {
    return 'wrong';
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'));
  fs.chmodSync(work, 0o755);
  inputsDir = path.join(work, 'inputs');
  answersDir = path.join(work, 'answers');
  fs.mkdirSync(inputsDir, { mode: 0o755 });
  fs.mkdirSync(answersDir, { mode: 0o700 });
  fs.writeFileSync(path.join(inputsDir, 'numbers.json'), JSON.stringify({ numbers: [1, 2, 3.5] }));
  fs.writeFileSync(
    path.join(answersDir, 'numbers.json'),
    JSON.stringify({ sum: 6.5, scaled: [-2, -4, -7] }),
  );
});

afterAll(async () => {
  await waitForNoSandbox();
  for (const s of sandboxes) s.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('gradeProject with compute/judge parts', () => {
  it('computes in the sandbox, judges here, reads notebooks here', async () => {
    const project = fs.mkdtempSync(path.join(work, 'graded-'));
    fs.mkdirSync(path.join(project, 'lib'));
    fs.mkdirSync(path.join(project, 'notebooks'));
    fs.writeFileSync(
      path.join(project, 'lib', 'student.ts'),
      `${HONEST.replace('v * k', 'v * k + 1e-3')}`,
    );
    const nb = {
      cells: [{ cell_type: 'code', source: '', metadata: {}, outputs: [{ text: 'sum 6.5\n' }] }],
    };
    fs.writeFileSync(path.join(project, 'notebooks', 'student.ipynb'), JSON.stringify(nb));
    const report = await gradeProject(project, {
      parts: allParts(),
      partsModule: 'test/assignment/sandboxParts',
      data: { inputsDir, answersDir },
    });
    expect(report.parts.map((p) => [p.id, p.status, p.points])).toEqual([
      ['student:sum', 'ok', 1],
      ['student:scale', 'fail', 0],
      ['student:notebook', 'ok', 4],
    ]);
    expect(report.parts[1].detail).toMatch(/^scaled\[0\] is -1\.999/);
    expect([report.score, report.maxScore]).toEqual([5, 7]);
  });
});

describe('sandbox', () => {
  it('knows the permission flag of each Node line', () => {
    expect(permissionFlag('20.20.2')).toBe('--experimental-permission');
    expect(permissionFlag('22.12.0')).toBe('--experimental-permission');
    expect(permissionFlag('22.13.0')).toBe('--permission');
    expect(permissionFlag('23.4.0')).toBe('--experimental-permission');
    expect(permissionFlag('23.5.0')).toBe('--permission');
    expect(permissionFlag('24.1.0')).toBe('--permission');
    expect(permissionFlag('26.0.0')).toBe('--permission');
  });

  it('honest code: the outputs cross, typed arrays included, and pass the judge', async () => {
    const a = await run(HONEST, 'student:sum');
    expect([a.status, a.value]).toEqual(['ok', 6.5]);
    const b = await run(HONEST, 'student:scale');
    expect(b.status).toBe('ok');
    expect(Array.from((b.value as { data: Float64Array }).data)).toEqual([-2, -4, -7]);
    expect(judge('student:scale', b)).toBe('pass');
  });

  it('an unwritten function is missing, an exception a failure with its message', async () => {
    const missing = await run(`
      class NotImplementedError extends Error { constructor() { super('sum is not implemented yet'); this.name = 'NotImplementedError'; } }
      export function sum(): number { throw new NotImplementedError(); }`);
    expect([missing.status, missing.detail]).toEqual(['missing', 'sum is not implemented yet']);
    const thrown = await run(
      `export function sum(): number { throw new RangeError('bad\\nthing'); }`,
    );
    expect([thrown.status, thrown.detail]).toEqual(['fail', 'RangeError: bad thing']);
  });

  it("cannot read the answers, the grader's files or the system's", async () => {
    for (const file of [
      path.join(answersDir, 'numbers.json'),
      path.join(graderRoot, 'tools', 'assignment', 'grade.ts'),
      path.join(graderRoot, 'lib', 'layers.ts'),
      '/etc/hostname',
      '/proc/self/environ',
    ]) {
      const r = await run(`
        import fs from 'node:fs';
        export function sum(): number { return fs.readFileSync(${JSON.stringify(file)}, 'utf8').length; }`);
      expect([r.status, r.detail], file).toEqual([
        'fail',
        expect.stringMatching(/ERR_ACCESS_DENIED|Access to this API has been restricted/),
      ]);
    }
  });

  it('cannot write outside its temporary folder, start processes, workers or addons', async () => {
    const target = path.join(work, 'written-by-student');
    const attempts = [
      `require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x')`,
      `require('node:child_process').execSync('id')`,
      `require('node:child_process').spawn('sh', ['-c', 'sleep 30'], { detached: true }).unref()`,
      `new (require('node:worker_threads').Worker)('1', { eval: true })`,
      `process.dlopen({ exports: {} }, ${JSON.stringify(path.join(graderRoot, 'lib/backends/blas/build/Release/cs231n_blas.node'))})`,
    ];
    for (const code of attempts) {
      const r = await run(`export function sum(): number { ${code}; return 6.5; }`);
      expect(r.status, code).toBe('fail');
    }
    expect(fs.existsSync(target)).toBe(false);
    // Its own temporary folder is writable (libraries may need one).
    const tmp = await run(`
      import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
      export function sum(): number { const f = path.join(os.tmpdir(), 'x'); fs.writeFileSync(f, '6.5'); return Number(fs.readFileSync(f, 'utf8')); }`);
    expect([tmp.status, tmp.value]).toEqual(['ok', 6.5]);
  });

  it('runs as an unprivileged user when the grader is root', async () => {
    const r = await run(
      `export function sum(): number { return process.getuid ? process.getuid() : -1; }`,
    );
    expect(r.status).toBe('ok');
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    expect(r.value).toBe(root ? 65534 : process.getuid?.());
  });

  it('a forged verdict on stdout or on the channel counts for nothing', async () => {
    const stdout = await run(`
      process.on('exit', () => { console.log('{"status":"ok","detail":"forged"}'); });
      export function sum(): number { return 0; }`);
    expect([stdout.status, stdout.value, judge('student:sum', stdout)]).toEqual(['ok', 0, 'wrong']);
    const channel = await run(`
      import fs from 'node:fs';
      const body = '{"$obj":{"ok":6.5}}';
      fs.writeSync(3, 'CS231N-WIRE ' + 'ab'.repeat(24) + ' ' + body.length + '\\n' + body);
      export function sum(): number { return 0; }`);
    expect(channel.status).toBe('crashed');
    expect(channel.detail).toMatch(/not framed with the token/);
  });

  it('patching globals at import changes nothing in the judge', async () => {
    const r = await run(`
      Math.abs = () => 0; JSON.stringify = () => '{"$obj":{"ok":6.5}}';
      export function sum(): number { return 0; }`);
    // A patched JSON.stringify only chooses the child's own value (as returning it would); the
    // comparison with the answer runs in the grader, with its own Math.abs.
    const scaled = await run(
      `
      Math.abs = () => 0;
      export function sum(): number { return 0; }
      export function scale(x: Float64Array): Float64Array { return new Float64Array(x.length); }`,
      'student:scale',
    );
    expect(judge('student:scale', scaled)).toBe('wrong');
    expect([r.status, r.value]).toEqual(['ok', 6.5]);
  });

  it('a loop is stopped at the time limit, a large allocation at the memory cap', async () => {
    const loop = await run(`export function sum(): number { for (;;) {} }`, 'student:sum', {
      timeoutMs: 3000,
    });
    expect(loop.status).toBe('timeout');
    const big = await run(
      `export function sum(): number { const keep = []; for (let i = 0; i < 64; i++) keep.push(new Float64Array(16 * 1024 * 1024).fill(1)); return keep.length; }`,
      'student:sum',
      { memoryMb: 256 },
    );
    expect(big.status).toBe('memory');
  });

  it('nothing started by student code outlives its part', async () => {
    const r = await run(`
      setInterval(() => {}, 1000);
      process.on('SIGTERM', () => {});
      export function sum(): number { return 6.5; }`);
    expect(r.status).toBe('ok');
    await waitForNoSandbox(3000);
    const stray = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return sandboxes.some((s) => cmd.includes(s.treeDir));
        } catch {
          return false;
        }
      });
    expect(stray).toEqual([]);
    expect(groupMembers(-12345)).toEqual([]);
  });
});
