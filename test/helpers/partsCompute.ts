/**
 * The compute half of the grader's library parts, for tests, in a process of its own:
 * `node --import tsx test/helpers/partsCompute.ts PROJECT_DIR INPUTS_DIR [PART_ID...]` runs each
 * library part's compute against PROJECT_DIR (modules loaded from there, inputs read from
 * INPUTS_DIR only) and prints one line per part: `{"id", "status": "ok" | "missing" | "fail",
 * "value"?: encoded Wire, "detail"?}`. Without part ids, every library part.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allParts } from '../../tools/assignment/exercises';
import type { ComputeContext } from '../../tools/assignment/gradingKit';
import { encodeWireJson } from './wireJson';

function context(dir: string, inputsDir: string): ComputeContext {
  return {
    load<T>(module: string): T {
      return require(path.join(dir, module)) as T;
    },
    input<T>(name: string): T {
      return JSON.parse(fs.readFileSync(path.join(inputsDir, `${name}.json`), 'utf8')) as T;
    },
  };
}

function main(): void {
  const [dir, inputsDir, ...ids] = process.argv.slice(2);
  const ctx = context(path.resolve(dir), path.resolve(inputsDir));
  for (const part of allParts()) {
    if (part.kind !== 'library' || (ids.length > 0 && !ids.includes(part.id))) continue;
    let line: Record<string, string>;
    try {
      line = { id: part.id, status: 'ok', value: encodeWireJson(part.compute(ctx)) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      line = {
        id: part.id,
        status: err.name === 'NotImplementedError' ? 'missing' : 'fail',
        detail: err.message.split('\n')[0].slice(0, 300),
      };
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

main();
