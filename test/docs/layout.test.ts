/**
 * test/ mirrors lib/. The rule this file checks:
 *
 * 1. Every module lib/<path>.ts (declaration files and the AssemblyScript sources under
 *    lib/backends/wasm/assembly/ aside) has its test at test/<path>.test.ts.
 * 2. Every test/<path>.test.ts outside the cross-cutting folders (test/parity, badInput, jupyter,
 *    browser, assignment, docs, helpers, scripts, bench, fixtures; scripts and bench hold the
 *    tests of those folders' own code) is either the mirror of a module lib/<path>.ts, or an
 *    aspect file test/<dir>/<name>.<aspect>.test.ts (e.g.
 *    test/layerUtils.conv.test.ts): one more file about the module lib/<dir>/<name>.ts, which
 *    sits beside that module's own test/<dir>/<name>.test.ts. An aspect is one camelCase word.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** Top-level folders of test/ that hold suites about more than one module, or support files. */
const CROSS_CUTTING = [
  'parity',
  'badInput',
  'jupyter',
  'browser',
  'assignment',
  'docs',
  'helpers',
  'scripts',
  'bench',
  'fixtures',
];

/** Folders of lib/ whose .ts files are not TypeScript modules of the library (AssemblyScript). */
const NOT_MODULES = ['backends/wasm/assembly/'];

/** A breach of the mirroring rule: the file concerned and what is wrong. */
interface LayoutProblem {
  file: string;
  problem: string;
}

/**
 * Checks the mirroring rule on two lists of paths, `libFiles` relative to lib/ and `testFiles`
 * relative to test/ (both with '/' separators), and returns every breach, sorted by file.
 */
function layoutProblems(libFiles: string[], testFiles: string[]): LayoutProblem[] {
  const modules = new Set(
    libFiles
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .filter((f) => !NOT_MODULES.some((dir) => f.startsWith(dir)))
      .map((f) => f.slice(0, -'.ts'.length)),
  );
  const tests = testFiles
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.test.ts'.length));
  const testSet = new Set(tests);
  const problems: LayoutProblem[] = [];
  for (const module of modules) {
    if (!testSet.has(module)) {
      problems.push({ file: `lib/${module}.ts`, problem: `has no test/${module}.test.ts` });
    }
  }
  for (const test of tests) {
    if (CROSS_CUTTING.includes(test.split('/')[0]!)) continue;
    if (modules.has(test)) continue;
    const aspect = /^(.*)\.[a-z][A-Za-z0-9]*$/.exec(test);
    if (aspect && modules.has(aspect[1]!) && testSet.has(aspect[1]!)) continue;
    const why = aspect
      ? `is an aspect file of lib/${aspect[1]}.ts, which does not exist or has no test/${aspect[1]}.test.ts`
      : `mirrors no lib/${test}.ts and is in no cross-cutting folder`;
    problems.push({ file: `test/${test}.test.ts`, problem: why });
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file));
}

/** The files under `dir`, relative to it, with '/' separators. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

describe('layoutProblems', () => {
  it('accepts a mirrored tree with an aspect file and a cross-cutting suite', () => {
    const lib = ['a.ts', 'core/b.ts', 'backends/wasm/assembly/gemm.ts', 'types.d.ts'];
    const test = [
      'a.test.ts',
      'a.conv.test.ts',
      'core/b.test.ts',
      'parity/anything.test.ts',
      'helpers/util.ts',
    ];
    expect(layoutProblems(lib, test)).toEqual([]);
  });

  it('names a module without its test, a stray test and an aspect file without its main test', () => {
    const lib = ['a.ts', 'core/b.ts', 'core/c.ts'];
    const test = ['a.test.ts', 'core/c.slow.test.ts', 'core/bb.test.ts', 'old.test.ts'];
    expect(layoutProblems(lib, test)).toEqual([
      { file: 'lib/core/b.ts', problem: 'has no test/core/b.test.ts' },
      { file: 'lib/core/c.ts', problem: 'has no test/core/c.test.ts' },
      {
        file: 'test/core/bb.test.ts',
        problem: 'mirrors no lib/core/bb.ts and is in no cross-cutting folder',
      },
      {
        file: 'test/core/c.slow.test.ts',
        problem:
          'is an aspect file of lib/core/c.ts, which does not exist or has no test/core/c.test.ts',
      },
      {
        file: 'test/old.test.ts',
        problem: 'mirrors no lib/old.ts and is in no cross-cutting folder',
      },
    ]);
  });

  it('does not take a test in a folder named like a cross-cutting one, deeper down, as cross-cutting', () => {
    expect(layoutProblems(['core/x.ts'], ['core/x.test.ts', 'core/parity/y.test.ts'])).toEqual([
      {
        file: 'test/core/parity/y.test.ts',
        problem: 'mirrors no lib/core/parity/y.ts and is in no cross-cutting folder',
      },
    ]);
  });
});

describe('this repository', () => {
  it('test/ mirrors lib/', () => {
    const problems = layoutProblems(
      filesUnder(path.join(ROOT, 'lib')),
      filesUnder(path.join(ROOT, 'test')),
    );
    expect(problems).toEqual([]);
  });
});
