/**
 * The notebook kernel's pure parts (jupyter/kernel/): stream shortening and ordering, the messages
 * for failed cells, and the declarations kept after an interrupted cell. The kernel as a whole runs
 * in test/jupyter/kernel.e2e.ts (real nbconvert).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

import { cellDeclaredNames, keepAssignedDeclarations } from '../../jupyter/kernel/executor';
import * as messages from '../../jupyter/kernel/messages';
import { createModuleLoader } from '../../jupyter/kernel/moduleLoader';
import * as requests from '../../jupyter/kernel/streamBuffer';

type Sent = [string, string][];

/** A stream buffer whose clock never moves: it sends on size, flush() and end() only. */
function buffer() {
  const sent: Sent = [];
  const b = requests.createStreamBuffer(
    (name: string, text: string) => sent.push([name, text]),
    () => 0,
  );
  return { b, sent, all: () => sent.map(([, t]) => t).join('') };
}

describe('createStreamBuffer', () => {
  it('gathers writes into few messages, in order, each stream kept apart', () => {
    const { b, sent } = buffer();
    b.write('stdout', 'a\n');
    b.write('stdout', 'b\n');
    b.write('stderr', 'c\n');
    b.write('stdout', 'd\n');
    expect(sent).toEqual([]);
    b.end();
    expect(sent).toEqual([
      ['stdout', 'a\nb\n'],
      ['stderr', 'c\n'],
      ['stdout', 'd\n'],
    ]);
  });

  it('sends everything up to HEAD_LINES + TAIL_LINES lines', () => {
    const { b, all } = buffer();
    const n = requests.HEAD_LINES + requests.TAIL_LINES;
    for (let i = 1; i <= n; i++) b.write('stdout', `${i}\n`);
    b.end();
    const lines = all().trimEnd().split('\n');
    expect(lines).toHaveLength(n);
    expect(lines[n - 1]).toBe(String(n));
  });

  it('shortens longer output to its first and last lines, saying how many are not shown', () => {
    const { b, all } = buffer();
    const n = 120_001;
    for (let i = 1; i < n; i++) b.write('stdout', `row ${i}\n`);
    b.write('stdout', 'END\n');
    b.end();
    const lines = all().trimEnd().split('\n');
    const head = requests.HEAD_LINES;
    const tail = requests.TAIL_LINES;
    expect(lines).toHaveLength(head + 1 + tail);
    expect(lines[0]).toBe('row 1');
    expect(lines[head - 1]).toBe(`row ${head}`);
    const hidden = n - head - tail;
    expect(lines[head]).toBe(
      `... ${hidden.toLocaleString('en-US')} lines not shown (the cell printed ${n.toLocaleString('en-US')} lines: the first ${head.toLocaleString('en-US')} are above, the last ${tail.toLocaleString('en-US')} below)`,
    );
    expect(lines[head + 1]).toBe(`row ${n - tail + 1}`);
    expect(lines[lines.length - 1]).toBe('END');
  });

  it('keeps a line written in pieces whole across the cut', () => {
    const { b, all } = buffer();
    for (let i = 1; i <= requests.HEAD_LINES + 5000; i++) {
      b.write('stdout', `x${i}`);
      b.write('stdout', '\n');
    }
    b.write('stdout', 'last');
    b.write('stdout', ' line\n');
    b.end();
    const lines = all().trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('last line');
    expect(lines[lines.length - 2]).toBe(`x${requests.HEAD_LINES + 5000}`);
  });
});

describe('missingNamesMessage', () => {
  const lib = new Set(['Solver', 'TwoLayerNet', 'affineForward']);
  const d = (code: number, messageText: string, fileName?: string) => ({
    code,
    messageText,
    fileName,
  });

  it('names the set-up cell for library names and the declaring cell for the others, in one line', () => {
    const msg = messages.missingNamesMessage(
      [
        d(2552, "Cannot find name 'Solver'. Did you mean 'solver'?"),
        d(2304, "Cannot find name 'model'."),
        d(4025, "Exported variable 'solver' has or is using private name 'Solver'."),
      ],
      lib,
    );
    expect(msg).toBe(
      "'Solver' is not imported yet: run the set-up cell (the one with `import { ... } from './lib'`) first; then 'model' is not defined yet: run the cell that declares it first.",
    );
  });

  it("repeats TypeScript's suggestion for a likely typo", () => {
    const msg = messages.missingNamesMessage(
      [d(2552, "Cannot find name 'affineFoward'. Did you mean 'affineForward'?")],
      lib,
    );
    expect(msg).toContain("Or a typo: 'affineFoward' (did you mean 'affineForward'?)");
  });

  it('leaves other errors alone (and errors in imported files)', () => {
    expect(
      messages.missingNamesMessage(
        [d(2322, "Type 'string' is not assignable to type 'number'.")],
        lib,
      ),
    ).toBeUndefined();
    expect(
      messages.missingNamesMessage([d(2304, "Cannot find name 'x'.", 'lib/layers.ts')], lib),
    ).toBeUndefined();
  });
});

describe('formatError', () => {
  it('keeps the message and our frames, relative to the root', () => {
    const err = new RangeError('affineForward: bad x');
    err.stack = [
      'RangeError: affineForward: bad x',
      `    at checkAffine (${ROOT}/lib/layers.ts:213:11)`,
      `    at Proxy.affineForward (${ROOT}/lib/layers.ts:45:3)`,
      '    at tslab-cell-4:3:20',
      '    at Script.runInThisContext (node:vm:137:12)',
      `    at Object.execute (${ROOT}/jupyter/kernel/executor.ts:145:21)`,
      `    at run (${ROOT}/node_modules/tslab/dist/executor.js:10:1)`,
    ].join('\n');
    expect(messages.formatError(err, ROOT, 'tslab-cell-')).toBe(
      [
        'RangeError: affineForward: bad x',
        '    at checkAffine (lib/layers.ts:213:11)',
        '    at affineForward (lib/layers.ts:45:3)',
        '    at cell',
      ].join('\n'),
    );
  });

  it('shows only the message when no frame is in our sources', () => {
    const err = new Error('boom');
    err.stack = 'Error: boom\n    at tslab-cell-1:1:7\n    at node:internal/x:1:1';
    expect(messages.formatError(err, ROOT, 'tslab-cell-')).toBe('Error: boom');
    expect(messages.formatError('text', ROOT, 'tslab-cell-')).toBe('Uncaught "text"');
  });
});

describe('keepAssignedDeclarations', () => {
  const decl = [
    "import { Solver } from './lib';",
    'declare const solver: Solver;',
    'declare let a: number, b: number;',
    'declare function f(): number;',
    'declare class C {',
    '}',
    'interface I {',
    '    x: number;',
    '}',
    '',
  ].join('\n');

  const cell = new Set(['solver', 'a', 'b', 'f', 'C']);

  it('drops the variables, functions and classes the cell never reached', () => {
    const kept = keepAssignedDeclarations(ts, decl, { solver: {}, a: 1, b: undefined }, cell);
    expect(kept).toContain("import { Solver } from './lib';");
    expect(kept).toContain('declare const solver: Solver;');
    expect(kept).toMatch(/declare let a: number;/);
    expect(kept).not.toMatch(/\bb: number/);
    expect(kept).not.toContain('declare function f');
    expect(kept).not.toContain('declare class C');
    expect(kept).toContain('interface I');
  });

  it('keeps everything when everything was assigned', () => {
    const values = { solver: {}, a: 1, b: 2, f() {}, C: class {} };
    const kept = keepAssignedDeclarations(ts, decl, values, cell);
    expect(kept.trim()).toBe(decl.trim());
  });

  it("keeps earlier cells' declarations whatever their value (let best = undefined)", () => {
    const kept = keepAssignedDeclarations(ts, decl, { solver: {} }, new Set(['solver']));
    expect(kept.trim()).toBe(decl.trim());
  });

  it('finds the names a cell declares at its top level', () => {
    const src = [
      'const { a, b: [c, , d] } = x;',
      'let e = 1, f;',
      'function g() { const inner = 1; }',
      'class H {}',
      'if (a) { var notTop = 1; }',
      'g();',
    ].join('\n');
    expect([...cellDeclaredNames(ts, src)].sort()).toEqual(['H', 'a', 'c', 'd', 'e', 'f', 'g']);
  });
});

describe('createModuleLoader', () => {
  // A small library in a temp folder: lib/index.ts re-exports b (edited below) and a stateful module.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-loader-'));
  const file = (rel: string) => path.join(dir, rel);
  let clock = 1_700_000_000;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), text);
    clock += 10; // a distinct mtime for every write
    fs.utimesSync(file(rel), clock, clock);
  };
  write('lib/b.ts', 'export function b(): number {\n  return 1;\n}\n');
  write('lib/state.ts', 'let n = 0;\nexport function bump(): number {\n  return ++n;\n}\n');
  write(
    'lib/index.ts',
    "import { b } from './b';\nexport { b } from './b';\nexport { bump } from './state';\nexport const viaB = (): number => b() * 10;\n",
  );
  const loader = createModuleLoader({ rootDir: dir, ts });
  const lib = loader.cellRequire('./lib') as {
    b(): number;
    viaB(): number;
    bump(): number;
  };

  it('serves a directory import as its index.ts, through a live view', () => {
    expect(lib.b()).toBe(1);
    expect(lib.viaB()).toBe(10);
    expect(lib.bump()).toBe(1);
    expect(loader.refresh()).toEqual([]);
  });

  it('reloads a changed file and its importers, keeping the modules that did not change', () => {
    write('lib/b.ts', 'export function b(): number {\n  return 22;\n}\n');
    expect(loader.refresh()).toEqual([path.join('lib', 'b.ts')]);
    expect(lib.b()).toBe(22);
    expect(lib.viaB()).toBe(220);
    expect(lib.bump()).toBe(2); // state.ts kept its state
  });

  it('ignores a file saved without changes', () => {
    write('lib/b.ts', fs.readFileSync(file('lib/b.ts'), 'utf8'));
    expect(loader.refresh()).toEqual([]);
    expect(lib.bump()).toBe(3);
  });

  it('reports a syntax error with the file, line and column, and recovers once fixed', () => {
    write('lib/b.ts', 'export function b(): number {\n  return (1;\n}\n');
    expect(loader.refresh()).toEqual([path.join('lib', 'b.ts')]);
    expect(() => lib.b()).toThrow(/^lib\/b\.ts:2:\d+: '\)' expected/);
    write('lib/b.ts', 'export function b(): number {\n  return 3;\n}\n');
    loader.refresh();
    expect(lib.viaB()).toBe(30);
    expect(lib.bump()).toBe(4);
  });

  it('maps stack frames to the .ts lines (source maps, in a Node process set up as the kernel is)', () => {
    write(
      'lib/b.ts',
      "export function b(): number {\n  // line 2\n  throw new Error('from b');\n}\n",
    );
    const script = `
      process.setSourceMapsEnabled(true);
      const { createModuleLoader } = require(${JSON.stringify(path.join(ROOT, 'jupyter', 'kernel', 'moduleLoader.ts'))});
      const ts = require(${JSON.stringify(require.resolve('typescript'))});
      const lib = createModuleLoader({ rootDir: ${JSON.stringify(dir)}, ts }).cellRequire('./lib');
      try { lib.viaB(); } catch (err) { console.log(err.stack); }`;
    try {
      // node with tsx's CommonJS hook, as the kernelspec starts the kernel.
      const r = spawnSync(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), '-e', script],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stderr).toBe('');
      const frames = r.stdout.split('\n');
      expect(frames[0]).toBe('Error: from b');
      expect(frames[1]).toContain(`${file('lib/b.ts')}:3:`);
      expect(frames[2]).toContain(`${file('lib/index.ts')}:4:`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000); // a Node process that loads TypeScript: seconds on a loaded machine
});
