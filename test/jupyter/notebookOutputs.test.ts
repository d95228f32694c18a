/**
 * What the committed notebooks show a reader: no output of any notebook (stream text, or the
 * text/plain of a result or display) holds a typed array's dump (Node and Deno print a typed
 * array as `Float64Array(150528000) [ -71.62, ... ]`) or a long run of comma-separated numbers.
 * Tensors, models and the Solver print as their shapes (lib/core/inspect.ts), and a cell ending
 * in an assignment shows nothing (scripts/kernel/executor.ts); this keeps a page of numbers out of
 * the notebooks and the PDFs made from them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

/** Every .ipynb below notebooks/, relative to the root. */
function notebooks(dir = path.join(root, 'notebooks')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : notebooks(full);
    return e.name.endsWith('.ipynb') ? [path.relative(root, full)] : [];
  });
}

/** A typed array as Node's util.inspect or Deno's console prints it, with its elements. */
const TYPED_ARRAY_DUMP =
  /\b(Float64|Float32|Int8|Int16|Int32|Uint8|Uint8Clamped|Uint16|Uint32|BigInt64|BigUint64)Array\(\d+\) \[/;
/** At least 16 numbers in a row separated by commas (a dump with its type name cut off). */
const NUMBER_RUN = /(?:-?\d+(?:\.\d+)?(?:e[-+]?\d+)?,\s*){15}-?\d+(?:\.\d+)?/;

/** Why a text would be a dump, or null. */
function dumpIn(text: string): string | null {
  const typed = TYPED_ARRAY_DUMP.exec(text);
  if (typed) return `a ${typed[0]}...] dump`;
  const run = NUMBER_RUN.exec(text);
  if (run) return `a run of numbers: ${run[0].slice(0, 60)}...`;
  return null;
}

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
}

/** The texts a reader sees of one output. */
function shownTexts(o: Output): string[] {
  const join = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
  if (o.output_type === 'stream') return [join(o.text)];
  if (o.data?.['text/plain'] !== undefined) return [join(o.data['text/plain'])];
  return [];
}

describe('the scan', () => {
  it('finds a typed array as Node and Deno print it, and a long run of numbers', () => {
    expect(dumpIn('X_train: View4dfloat64 {\n  data: Float64Array(150528000) [\n  -71.6,')).toMatch(
      /Float64Array\(150528000\) \[/,
    );
    expect(dumpIn('key: Uint32Array(624) [ 1, 2 ]')).not.toBeNull();
    expect(dumpIn(Array.from({ length: 16 }, (_, i) => (i * 0.37).toFixed(3)).join(', '))).toMatch(
      /^a run of numbers/,
    );
  });

  it('lets through shapes, short lists and summaries', () => {
    for (const text of [
      'ndarray float64 (50000, 3072)',
      "Solver { X_train: ndarray float64 (1000, 3, 32, 32), updateRule: 'sgd' }",
      'key: [Uint32Array]',
      'lr 1.00e-03 reg 2.50e+04 train accuracy: 0.3712 val accuracy: 0.3790',
      Array.from({ length: 15 }, (_, i) => String(i)).join(', '),
    ]) {
      expect(dumpIn(text), text).toBeNull();
    }
  });
});

describe('committed notebooks show no typed-array dumps', () => {
  const files = notebooks();
  it('finds the notebooks', () => {
    expect(files.some((f) => f.endsWith('two_layer_net.ipynb'))).toBe(true);
  });
  for (const file of files) {
    it(file, () => {
      const nb = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as { cells: Cell[] };
      const found: string[] = [];
      nb.cells.forEach((cell, i) => {
        for (const o of cell.outputs ?? []) {
          for (const text of shownTexts(o)) {
            const why = dumpIn(text);
            if (why) found.push(`cell ${i} (${o.output_type}): ${why}`);
          }
        }
      });
      expect(found, `${file} shows typed-array contents`).toEqual([]);
    });
  }
});
