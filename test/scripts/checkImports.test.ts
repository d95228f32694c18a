/** The runtime import-circle check (scripts/check-imports.ts): which imports count, and circles. */
import { describe, expect, it } from 'vitest';
import { findCircles, runtimeSpecifiers } from '../../scripts/check-imports';

describe('runtimeSpecifiers', () => {
  it('counts value imports, re-exports and literal require/import() calls, not type-only ones', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C } from './c';",
      "import { type D, d } from './d';",
      "import * as e from './e';",
      "import f from './f';",
      "import './g';",
      "export { h } from './h';",
      "export type { I } from './i';",
      "export * from './j';",
      "function lazy() { return require('./k') as unknown; }",
      "const later = () => import('./l');",
      'const dynamic = (name: string) => require(name);',
    ].join('\n');
    expect(runtimeSpecifiers('x.ts', text)).toEqual([
      './a',
      './d',
      './e',
      './f',
      './g',
      './h',
      './j',
      './k',
      './l',
    ]);
  });
});

describe('findCircles', () => {
  it('finds none in a graph without circles', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(findCircles(graph)).toEqual([]);
  });

  it('gives one circle per strongly connected part, from and back to its first module', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', ['e']],
      ['e', ['d']],
      ['f', ['f']],
      ['g', ['a']],
    ]);
    const circles = findCircles(graph).sort((x, y) => x[0].localeCompare(y[0]));
    expect(circles).toEqual([
      ['a', 'b', 'c', 'a'],
      ['d', 'e', 'd'],
      ['f', 'f'],
    ]);
  });

  it('takes the shortest way back when a part has several circles', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCircles(graph)).toEqual([['a', 'c', 'a']]);
  });
});
