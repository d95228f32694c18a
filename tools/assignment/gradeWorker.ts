/**
 * Runs one graded part against one project, in its own process (started by grade.ts with a time
 * limit): `node --import tsx tools/assignment/gradeWorker.ts PROJECT_DIR PART_ID`. Prints one JSON
 * line `{"status": "ok" | "fail" | "missing", "detail": "..."}`; status `missing` means the part
 * threw a NotImplementedError (the student has not written it yet).
 */
import fs from 'node:fs';
import path from 'node:path';
import { allParts } from './exercises';
import type { GradeContext } from './gradingKit';

/** The grader's own project (where its fixtures are). */
const graderRoot = path.resolve(__dirname, '..', '..');

function context(dir: string): GradeContext {
  return {
    dir,
    load<T>(module: string): T {
      return require(path.join(dir, module)) as T;
    },
    fixture<T>(name: string): T {
      const file = path.join(graderRoot, 'test', 'fixtures', 'grading', `${name}.json`);
      return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
    },
  };
}

function main(): void {
  const [dir, id] = process.argv.slice(2);
  const part = allParts().find((p) => p.id === id);
  let result: { status: string; detail: string };
  if (!part || !dir) {
    result = { status: 'fail', detail: `gradeWorker: unknown part ${id}` };
  } else {
    try {
      result = { status: 'ok', detail: part.check(context(path.resolve(dir))) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      result =
        err.name === 'NotImplementedError'
          ? { status: 'missing', detail: err.message }
          : {
              status: 'fail',
              detail: `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`,
            };
    }
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

main();
